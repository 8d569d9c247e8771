"""Parse every .eml in DIR with python's email package and print JSON:
recipients, decoded subject, headers that matter, the MIME structure, the
text part and the calendar attachment."""
import email
import email.policy
import json
import os
import sys

out = []
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    if not name.endswith(".eml"):
        continue
    msg = email.message_from_bytes(open(os.path.join(folder, name), "rb").read(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    ics = None
    ics_method = None
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            ics = part.get_content()
            ics_method = part.get_param("method")
    out.append({
        "to": str(msg["To"]),
        "from": str(msg["From"]),
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "list_unsubscribe": msg["List-Unsubscribe"] and str(msg["List-Unsubscribe"]),
        "list_unsubscribe_post": msg["List-Unsubscribe-Post"] and str(msg["List-Unsubscribe-Post"]),
        "list_id": msg["List-Id"] and str(msg["List-Id"]),
        "auto_submitted": msg["Auto-Submitted"] and str(msg["Auto-Submitted"]),
        "types": [p.get_content_type() for p in msg.walk()],
        "text": text.get_content() if text else None,
        "html": html.get_content() if html else None,
        "ics": ics,
        "ics_method": ics_method,
    })
print(json.dumps(out))
