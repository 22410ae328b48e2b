#!/usr/bin/perl
# Prints the lines of the files its arguments name, through <> (Perl's
# two-argument open, which takes "cmd|" as a pipe and "<x" as a mode).
print "Content-Type: text/plain\r\n\r\n";
print "args: @ARGV\n";
print "line: $_" while <>;
