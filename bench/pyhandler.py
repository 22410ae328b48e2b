#!/usr/bin/python3
# Python's own CGIHTTPRequestHandler, answering the one connection on fd 0
# (as an inetd service), for comparison.
import os
import socket
import sys
from http.server import CGIHTTPRequestHandler

class Server:			# what the handler asks of its server
    server_name = "localhost"
    server_port = 0


os.chdir(sys.argv[1])
conn = socket.socket(fileno=0)
CGIHTTPRequestHandler(conn, conn.getpeername(), Server())
