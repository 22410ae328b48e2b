#!/bin/sh -e
echo crlf
