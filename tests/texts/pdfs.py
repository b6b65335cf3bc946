"""PDFs made by the tests (fpdf2): never a real official text, only their shape.

`decision_pdf` lays out a decision as the OSCE prints one: a header line repeated on every
page, the symbol, a title, preambular paragraphs, "Decides:", numbered operative paragraphs
with lettered sub-paragraphs, an annex with its own numbering, and page numbers.
"""

import datetime

from fpdf import FPDF

# A fixed date, so the same document gives the same bytes (and checksum) every time.
CREATED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

FRENCH_DECISION = {
    "header": "MC.DEC/7/06",
    "title": "DÉCISION No 7/06 LUTTE CONTRE L'UTILISATION D'INTERNET À DES FINS TERRORISTES",
    "preamble": [
        "Le Conseil ministériel, profondément préoccupé par l'usage croissant d'internet à des "
        "fins de propagande, rappelant les engagements pris par les États participants,",
        "Reconnaissant que la coopération internationale est nécessaire pour répondre à ce "
        "défi commun, dans le respect des droits de l'homme,",
    ],
    "chapeau": "Décide :",
    "operative": [
        "D'intensifier l'échange d'informations sur les moyens employés par les groupes "
        "extrémistes pour se servir d'internet.",
        "D'inviter les États participants à envisager de prendre toutes les mesures "
        "appropriées pour protéger les infrastructures vitales.",
        "De surveiller les sites web des organisations terroristes et extrémistes violentes et "
        "d'échanger des informations à leur sujet au sein de l'OSCE.",
        (
            "Charge le Secrétaire général de :",
            ["organiser un atelier d'experts ;", "faire rapport au Conseil permanent."],
        ),
        "D'encourager le secteur privé et la société civile à participer à ces efforts.",
    ],
    "annex": [
        "Les points de contact nationaux sont communiqués au Secrétariat.",
        "Le Secrétariat tient à jour la liste des points de contact.",
    ],
}


def _latin(text):
    # The core fonts cover Latin-1 (WinAnsi): enough for English, French, German, Italian,
    # Spanish; other scripts would need an embedded font.
    return text.replace("’", "'").replace("—", "-")


class _Printed(FPDF):
    """Pages with the document's symbol at the top and "- n -" at the bottom."""

    running_header = ""

    def header(self):
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, _latin(self.running_header), align="R")
        self.ln(12)
        self.set_font("Helvetica", size=11)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, f"- {self.page_no()} -", align="C")
        self.set_font("Helvetica", size=11)


def decision_pdf(doc=FRENCH_DECISION, *, break_after=None, encrypt=None):
    """The decision `doc` as a PDF; `break_after=n` starts a new page after operative
    paragraph n; `encrypt="pw"` protects it with that user password."""
    pdf = _Printed(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.running_header = doc["header"]
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_page()
    pdf.multi_cell(0, 6, _latin(doc["title"]))
    pdf.ln(4)
    for text in doc["preamble"]:
        pdf.multi_cell(0, 6, _latin(text))
        pdf.ln(4)
    pdf.multi_cell(0, 6, _latin(doc["chapeau"]))
    pdf.ln(4)
    for number, item in enumerate(doc["operative"], start=1):
        if isinstance(item, tuple):
            lead, subs = item
            pdf.multi_cell(0, 6, _latin(f"{number}. {lead}"))
            pdf.ln(4)
            for letter, sub in zip("abcdefgh", subs, strict=False):
                pdf.set_x(30)
                pdf.multi_cell(0, 6, _latin(f"({letter}) {sub}"))
                pdf.ln(4)
        else:
            pdf.multi_cell(0, 6, _latin(f"{number}. {item}"))
            pdf.ln(4)
        if break_after == number:
            pdf.add_page()
    if doc.get("annex"):
        pdf.add_page()
        pdf.multi_cell(0, 6, "ANNEX")
        pdf.ln(4)
        for number, text in enumerate(doc["annex"], start=1):
            pdf.multi_cell(0, 6, _latin(f"{number}. {text}"))
            pdf.ln(4)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    return bytes(pdf.output())


def blank_pdf(pages=2):
    """A PDF with pages but no text layer (what a scan looks like to a text extractor)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    for _ in range(pages):
        pdf.add_page()
        pdf.set_fill_color(200, 200, 200)
        pdf.rect(20, 20, 170, 250, style="F")
    return bytes(pdf.output())


def long_pdf(pages):
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_font("Helvetica", size=11)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"{number}. Paragraph on page {number} of a long test document.")
    return bytes(pdf.output())
