#!/bin/sh
printf "Content-Type: text/plain\r\n\r\nran a tool outside cgi-bin\n"
