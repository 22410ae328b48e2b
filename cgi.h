/* cgi.h: is-this-CGI, locating the script, its environment and argv, and
 * running it under supervision. */
#ifndef CGI_H
#define CGI_H

#include <limits.h>
#include <stdbool.h>

#include "http.h"

/* A located, checked script, ready to run. */
/* the small fields first: the buffers are touched only as used */
struct cgi {
	int cgifd;				/* the CGI directory it is in */
	/* its directory, beneath that */
	int dirfd;
	/* a de-chunked body's spool, -1: none */
	int body_fd;
	/* the script as checked: what runs */
	int filefd;
	const char *path_info;			/* decoded, "" if none */
	/* --script's, --cgi-ext's, NULL */
	const struct program *prog;
	/* run as PROG FILE (--cgi-ext) */
	bool prog_file;
	bool nph;
	char **argv, **envp;			/* in cgi.c's arena */
	/* a #! script's: its interpreter's */
	char **iargv;
	/* its #! line, as the kernel splits it */
	char interp[256], iarg[256];
	/* its file name in that directory */
	char name[NAME_MAX + 1];
	/* its path in the CGI directory */
	char rel[REQ_LINE_MAX + 2];
	char script_name[REQ_LINE_MAX + 2];	/* SCRIPT_NAME: its URL path */
};

bool cgi_is_script(const struct server *sv, const char *path);
const struct cgi_ext *cgi_ext_of(const struct server *sv, const char *name,
                                 size_t n);
bool cgi_index(const struct server *sv, struct request *r);
enum status cgi_prepare(struct request *r, const struct server *sv,
                        struct cgi *c);
enum status cgi_run(struct request *r, const struct server *sv, struct cgi *c);
void cgi_free(struct cgi *c);

#endif
