#!/bin/sh
printf 'HTTP/1.0 302 Found\r\nLocation: /hello.txt\r\nContent-Length: 0\r\n\r\n'
