#!/usr/bin/env no-such-interpreter-x
echo x
