#!/usr/bin/perl
# A CGI.pm script: a form, its POST, and redirect().
use strict;
use warnings;
use CGI;

my $q = CGI->new;
if ($q->param('go')) {
	print $q->redirect('http://example.org/perl-done');
} elsif ($q->request_method eq 'POST') {
	print $q->header('text/plain'), 'hello ', $q->param('name'), "\n";
} else {
	print $q->header('text/html'), $q->start_form(-method => 'POST'),
	    $q->textfield('name'), $q->end_form, "\n";
}
