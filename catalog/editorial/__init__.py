"""Editorial core: the policy (`policy`), the service layer every write goes through
(`services`), pending changes of published records (`pending`) and history (`history`)."""
