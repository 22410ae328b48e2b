#!/usr/bin/python3
"""A WSGI application run as CGI by the standard library's CGIHandler."""
import hashlib
from wsgiref.handlers import CGIHandler
from wsgiref.util import application_uri, request_uri


def app(environ, start_response):
    path = environ.get('PATH_INFO', '')
    if path in ('', '/'):
        body = 'app %s\nrequest %s\n' % (application_uri(environ), request_uri(environ))
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [body.encode()]
    if path == '/go':
        start_response('302 Found', [('Location', application_uri(environ) + '/there'),
                                     ('Content-Type', 'text/plain')])
        return [b'moved\n']
    if path == '/upload' and environ['REQUEST_METHOD'] == 'POST':
        n = int(environ.get('CONTENT_LENGTH') or 0)
        data = environ['wsgi.input'].read(n)
        body = 'got %d md5 %s\n' % (len(data), hashlib.md5(data).hexdigest())
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [body.encode()]
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such page\n']


CGIHandler().run(app)
