#!/usr/bin/python3
# A form handler using only Python's standard library: urlencoded and
# multipart bodies, read as exactly CONTENT_LENGTH bytes from stdin.
import email.parser
import email.policy
import hashlib
import os
import sys
import urllib.parse

length = int(os.environ.get("CONTENT_LENGTH") or 0)
body = sys.stdin.buffer.read(length)
ctype = os.environ.get("CONTENT_TYPE", "")
fields = []
if ctype.startswith("application/x-www-form-urlencoded"):
    for k, v in urllib.parse.parse_qsl(body.decode(), keep_blank_values=True):
        fields.append((k, None, v.encode()))
elif ctype.startswith("multipart/form-data"):
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    for part in msg.iter_parts():
        fields.append((part.get_param("name", header="content-disposition"),
                       part.get_filename(), part.get_payload(decode=True)))
sys.stdout.write("Content-Type: text/plain\r\n\r\n")
sys.stdout.write("read %d of %d bytes\n" % (len(body), length))
for name, filename, value in fields:
    sys.stdout.write("%s%s: %d bytes md5 %s %r\n" % (
        name, " (file %s)" % filename if filename else "", len(value),
        hashlib.md5(value).hexdigest(), value[:32].decode("utf-8", "replace")))
