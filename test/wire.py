#!/usr/bin/python3
# wire.py PORT HEAD BODY_BYTES [BUFFER [TAIL [KEEP_SENDING]]]: a client as
# http.client is one, on a raw socket, to see what reaches it: it sends
# HEAD (Python escapes: \r\n), BODY_BYTES bytes of "b" and TAIL in full
# before it reads, then reads to the end. BUFFER, if not 0, sets SO_RCVBUF
# and SO_SNDBUF (a stand-in for a slow link). KEEP_SENDING seconds: it
# goes on sending that long after the answer, as a client that will not
# stop. Prints "sent=all|reset end=fin|rst secs=S" and the status line,
# then the length of the body that followed the head.
import socket
import sys
import time

port, head, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
buf = int(sys.argv[4]) if len(sys.argv) > 4 else 0
tail = sys.argv[5] if len(sys.argv) > 5 else ""
keep = float(sys.argv[6]) if len(sys.argv) > 6 else 0


def unescape(s):
    return s.encode().decode("unicode_escape").encode("latin-1")


s = socket.socket()
if buf:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buf)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, buf)
s.settimeout(60)
s.connect(("127.0.0.1", port))
start = time.monotonic()
sent = "all"
try:
    s.sendall(unescape(head))
    chunk = b"b" * 65536
    left = n
    while left:
        left -= s.send(chunk[:min(left, len(chunk))])
    s.sendall(unescape(tail))
except OSError:
    sent = "reset"
got, end = b"", "fin"
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
except ConnectionResetError:
    end = "rst"
if keep:	# the answer is in: go on sending, until the server is gone
    s.settimeout(1)
    until = time.monotonic() + keep
    try:
        while time.monotonic() < until:
            s.send(b"z" * 4096)
    except OSError:
        pass
head_end = got.find(b"\r\n\r\n")
print("sent=%s end=%s secs=%.1f" % (sent, end, time.monotonic() - start))
print(got.split(b"\r\n", 1)[0].decode("latin-1"))
print(len(got) - head_end - 4 if head_end >= 0 else -1)
