#!/usr
echo dir
