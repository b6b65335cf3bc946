# "12 marzo 2006", "2 marzo 2006" (Django's Italian default pads the day: "02 marzo 2006").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
