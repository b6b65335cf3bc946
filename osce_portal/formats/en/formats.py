# The OSCE's own style: "12 March 2006" (Django's English default is "March 12, 2006").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
