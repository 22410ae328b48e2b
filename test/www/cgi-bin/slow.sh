#!/bin/sh
# Answers after two seconds (a request in flight, for the tests).
sleep 2
printf 'Content-Type: text/plain\r\n\r\nslow\n'
