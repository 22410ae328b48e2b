#!/bin/sh
# A fixed answer with its own Content-Length (the load test's script).
printf 'Content-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n'
