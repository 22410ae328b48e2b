#!/usr/bin/python3
# Receives a multipart/form-data POST (a file upload) and describes what
# came: the fields, and for the file its name, size and SHA-256. Python's
# standard library only; the body is exactly CONTENT_LENGTH bytes of stdin.
import email.parser
import email.policy
import hashlib
import html
import os
import sys

length = int(os.environ.get("CONTENT_LENGTH") or 0)
ctype = os.environ.get("CONTENT_TYPE", "")
body = sys.stdin.buffer.read(length)
out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
       "<title>Upload received</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><h1>Upload received</h1>"]
if os.environ.get("REQUEST_METHOD") != "POST" or not ctype.startswith("multipart/form-data"):
    out.append('<p>Send the upload form on the <a href="/">front page</a>.</p>')
else:
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    out.append("<dl>")
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition") or ""
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            value = "file %s, %d bytes, sha256 %s" % (
                part.get_filename(), len(data), hashlib.sha256(data).hexdigest())
        else:
            value = data.decode("utf-8", "replace")
        out.append("<dt>%s</dt><dd>%s</dd>" % (html.escape(name), html.escape(value)))
    out.append("</dl>")
out.append('<p><a href="/">Back</a></p></body></html>')
sys.stdout.write("Content-Type: text/html; charset=utf-8\r\n\r\n" + "\n".join(out) + "\n")
