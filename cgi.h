/* cgi.h: is-this-CGI, locating the script, its environment and argv, and
 * running it under supervision. */
#ifndef CGI_H
#define CGI_H

#include <limits.h>
#include <stdbool.h>

#include "http.h"

/* A located, checked script, ready to run. */
struct cgi {	/* the small fields first: the buffers are touched only as used */
	int cgifd;				/* the CGI directory it is in */
	int dirfd;				/* its directory, beneath that */
	int body_fd;				/* a de-chunked body's spool, -1: none */
	int filefd;				/* the script as checked: what runs */
	const char *path_info;			/* decoded, "" if none */
	const struct program *prog;		/* --script's, --cgi-ext's, NULL */
	bool prog_file;				/* run as PROG FILE (--cgi-ext) */
	bool nph;
	char **argv, **envp;			/* in cgi.c's arena */
	char **iargv;				/* a #! script's: its interpreter's */
	char interp[256], iarg[256];		/* its #! line, as the kernel splits it */
	char name[NAME_MAX + 1];		/* its file name in that directory */
	char rel[REQ_LINE_MAX + 2];		/* its path in the CGI directory */
	char script_name[REQ_LINE_MAX + 2];	/* SCRIPT_NAME: its URL path */
};

bool cgi_is_script(const struct server *sv, const char *path);
const struct cgi_ext *cgi_ext_of(const struct server *sv, const char *name, size_t n);
bool cgi_index(const struct server *sv, struct request *r);
enum status cgi_prepare(struct request *r, const struct server *sv, struct cgi *c);
enum status cgi_run(struct request *r, const struct server *sv, struct cgi *c);
void cgi_free(struct cgi *c);

#endif
