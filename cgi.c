/*
 * cgi.c: RFC 3875 scripts. Which paths are scripts (Python's is_cgi and
 * run_cgi), the checks made before anything is written, the environment
 * built from nothing, argv (4.4), and the script run in a child that this
 * process supervises to its end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgi.h"

extern char **environ;

/* The CGI directory the collapsed path lies in (longest match), by length;
 * 0 if it is not a script's path. */
static size_t
cgi_dir_len(const struct server *sv, const char *path)
{
	size_t best = 0;

	for (size_t i = 0; i < sv->ncgi_dirs; i++) {
		size_t n = strlen(sv->cgi_dirs[i]);
		if (n > best && !strncmp(path, sv->cgi_dirs[i], n) &&
		    path[n] == '/')
			best = n;
	}
	return best;
}

/* The --script whose URL the path is, or lies under (longest match). */
static const struct script_alias *
script_alias(const struct server *sv, const char *path)
{
	const struct script_alias *best = NULL;

	for (size_t i = 0; i < sv->nscripts; i++) {
		const struct script_alias *a = &sv->scripts[i];
		bool under = !strncmp(path, a->url, a->len) &&
		             (!path[a->len] || path[a->len] == '/');
		if (under && (!best || a->len > best->len))
			best = a;
	}
	return best;
}

/* The --cgi-ext that the name name[0..n) ends in (case-insensitively, as
 * Apache's AddHandler), with something before it; NULL if none. */
const struct cgi_ext *
cgi_ext_of(const struct server *sv, const char *name, size_t n)
{
	for (size_t i = 0; i < sv->nexts; i++) {
		const struct cgi_ext *x = &sv->exts[i];
		if (n > x->len &&
		    !strncasecmp(name + n - x->len, x->ext, x->len))
			return x;
	}
	return NULL;
}

/* --cgi-ext: the length of the path's first component that ends in a
 * script's extension and is not a directory (a file, or nothing: a missing
 * script); the rest is PATH_INFO. 0 if there is none. */
static size_t
ext_script_len(const struct server *sv, const char *path)
{
	const char *p = path;

	if (!sv->nexts)
		return 0;
	while (*p == '/') {
		size_t n = strcspn(p + 1, "/"),
		       end = (size_t)(p + 1 + n - path);
		char prefix[REQ_LINE_MAX + 2];
		int fd;

		if (cgi_ext_of(sv, p + 1, n)) {
			snprintf(prefix, sizeof(prefix), "%.*s", (int)end,
			         path);
			fd = open_root(sv, prefix, O_PATH | O_DIRECTORY);
			if (fd < 0)
				return end;
			close(fd);
		}
		p += 1 + n;
	}
	return 0;
}

bool
cgi_is_script(const struct server *sv, const char *path)
{
	return script_alias(sv, path) || cgi_dir_len(sv, path) > 0 ||
	       ext_script_len(sv, path) > 0;
}

/* A directory's index.EXT (--cgi-ext), when it has no index.html or
 * index.htm: the path becomes the script's. Whether it is one. */
bool
cgi_index(const struct server *sv, struct request *r)
{
	static const char *const static_index[] = { "index.html", "index.htm" };
	enum { NSTATIC = sizeof(static_index) / sizeof(static_index[0]) };
	size_t len = strlen(r->path);
	char path[sizeof(r->path) + 16 + NAME_MAX];
	struct stat st;
	int fd;

	if (!sv->nexts || r->path[len - 1] != '/')
		return false;
	for (size_t i = 0; i < NSTATIC + sv->nexts; i++) {
		bool ext = i >= NSTATIC;
		const char *name =
		        ext ? sv->exts[i - NSTATIC].ext : static_index[i];

		snprintf(path, sizeof(path), "%s%s%s", r->path,
		         ext ? "index" : "", name);
		if ((fd = open_root(sv, path, O_PATH)) < 0)
			continue;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			continue;
		}
		close(fd);
		if (!ext || strlen(path) >= sizeof(r->path))
			return false;	/* a static index comes first */
		strcpy(r->path, path);
		return true;
	}
	return false;
}

/* --script: the program named at start; SCRIPT_NAME its URL, the rest of
 * the path PATH_INFO. It runs in the document root. */
static enum status
locate_alias(struct request *r, const struct server *sv, struct cgi *c,
             const struct script_alias *a)
{
	const char *base = strrchr(a->prog.path, '/') + 1;

	snprintf(c->script_name, sizeof(c->script_name), "%s", a->url);
	snprintf(c->name, sizeof(c->name), "%s", base);
	c->path_info = r->path + a->len;
	c->prog = &a->prog;
	c->dirfd = open_root(sv, "/", O_PATH | O_DIRECTORY);
	return c->dirfd < 0 ? S_INTERNAL_ERROR : S_NONE;
}

/* --cgi-ext: the file path[0..n) is the script, in its own directory
 * (which stands in for the CGI directory: the script is opened beneath
 * it); the rest is PATH_INFO. */
static enum status
locate_ext(struct request *r, const struct server *sv, struct cgi *c, size_t n)
{
	const char *slash = r->path + n;
	const struct cgi_ext *x;

	if (n == 0)	/* changed since cgi_is_script looked */
		return http_fail(r, S_NOT_FOUND,
		                 "No such CGI script ('%.200s')", r->path);
	while (slash[-1] != '/')
		slash--;
	snprintf(c->script_name, sizeof(c->script_name), "%.*s", (int)n,
	         r->path);
	snprintf(c->name, sizeof(c->name), "%.*s", (int)(r->path + n - slash),
	         slash);
	c->path_info = r->path + n;
	c->nph = !strncmp(c->name, "nph-", 4);
	x = cgi_ext_of(sv, c->name, strlen(c->name));
	if (x && x->prog.path) {
		c->prog = &x->prog;
		c->prog_file = true;
	}
	if (r->path + n - slash > NAME_MAX ||
	    (!sv->dotfiles && strstr(c->script_name, "/.")))
		return http_fail(r, S_NOT_FOUND,
		                 "No such CGI script ('%.200s')",
		                 c->script_name);
	snprintf(c->rel, sizeof(c->rel), "%.*s", (int)(slash - r->path),
	         r->path);
	if ((c->cgifd = open_root(sv, c->rel, O_PATH | O_DIRECTORY)) < 0 ||
	    (c->dirfd = open_root(sv, c->rel, O_PATH | O_DIRECTORY)) < 0) {
		return http_fail(r, errno == EACCES ? S_FORBIDDEN : S_NOT_FOUND,
		                 "No such CGI script ('%.200s')",
		                 c->script_name);
	}
	snprintf(c->rel, sizeof(c->rel), "%s", c->name);
	return S_NONE;
}

/* Walk down the CGI directory's sub-directories as far as they go; the next
 * component is the script, the rest PATH_INFO (Python's run_cgi). All of
 * it is opened beneath the CGI directory itself, so no symlink can lead
 * from it to a file elsewhere and have that run as a script. */
static enum status
locate(struct request *r, const struct server *sv, struct cgi *c)
{
	const struct script_alias *a = script_alias(sv, r->path);
	size_t cgilen = cgi_dir_len(sv, r->path), n;
	const char *start = r->path + cgilen + 1, *p = start;
	int fd;

	if (a)
		return locate_alias(r, sv, c, a);
	if (!cgilen)
		return locate_ext(r, sv, c, ext_script_len(sv, r->path));

	snprintf(c->script_name, sizeof(c->script_name), "%.*s", (int)cgilen,
	         r->path);
	c->cgifd = open_root(sv, c->script_name, O_PATH | O_DIRECTORY);
	if (c->cgifd < 0) {
		return http_fail(r, errno == EACCES ? S_FORBIDDEN : S_NOT_FOUND,
		                 "No such CGI script ('%.200s')", r->path);
	}
	while (p[n = strcspn(p, "/")] == '/') {
		snprintf(c->rel, sizeof(c->rel), "%.*s", (int)(p + n - start),
		         start);
		if ((fd = open_beneath(sv, c->cgifd, c->rel,
		                       O_PATH | O_DIRECTORY, 0)) < 0)
			break;
		close(fd);
		p += n + 1;
	}
	n = strcspn(p, "/");
	snprintf(c->script_name, sizeof(c->script_name), "%.*s",
	         (int)(p + n - r->path), r->path);
	snprintf(c->rel, sizeof(c->rel), "%.*s", (int)(p + n - start), start);
	snprintf(c->name, sizeof(c->name), "%.*s", (int)n, p);
	c->path_info = p + n;
	c->nph = !strncmp(p, "nph-", 4);
	if (n > NAME_MAX || (!sv->dotfiles && strstr(c->script_name, "/.")))
		return http_fail(r, S_NOT_FOUND,
		                 "No such CGI script ('%.200s')",
		                 c->script_name);
	/* for a moment, the script's directory */
	c->rel[p - start] = '\0';
	c->dirfd = open_beneath(sv, c->cgifd, c->rel, O_PATH | O_DIRECTORY, 0);
	snprintf(c->rel, sizeof(c->rel), "%.*s", (int)(p + n - start), start);
	return c->dirfd < 0 ? S_INTERNAL_ERROR : S_NONE;
}

/* PATH as the script will have it: -e PATH=..., the server's, or a default. */
static const char *
script_path(const struct server *sv)
{
	for (size_t i = 0; i < sv->nextra_env; i++)
		if (!strncmp(sv->extra_env[i], "PATH=", 5))
			return sv->extra_env[i] + 5;
	return getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin";
}

static bool
runnable(const struct cgi *c, const char *path)
{
	struct stat st;

	return fstatat(c->dirfd, path, &st, 0) == 0 && S_ISREG(st.st_mode) &&
	       faccessat(c->dirfd, path, X_OK, AT_EACCESS) == 0;
}

/* "#!/usr/bin/env prog": whether env will find prog on the script's PATH. */
static bool
on_path(const struct server *sv, const struct cgi *c, const char *prog)
{
	char dirs[4096], full[4096 + NAME_MAX + 2], *save = NULL;

	if (strchr(prog, '/'))
		return runnable(c, prog);
	snprintf(dirs, sizeof(dirs), "%s", script_path(sv));
	for (char *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(full, sizeof(full), "%s/%s", d, prog);
		if (runnable(c, full))
			return true;
	}
	return false;
}

/* A "#!" script whose interpreter cannot start would exec into nothing
 * after the 200 went out: find out now, and answer 500 instead. The line
 * is read as the kernel reads it: the name ends at a space, tab or newline,
 * so a CR (a script saved with CRLF) is part of it, and fails here. */
static enum status
check_format(struct request *r, const struct server *sv, struct cgi *c, int fd,
             bool readable)
{
	char buf[256], *interp, *arg, *base;
	ssize_t n = readable ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;

	if (n < 0)		/* execute-only: the kernel will judge it */
		return S_NONE;
	buf[n] = '\0';
	if (n >= 4 && !memcmp(buf, "\177ELF", 4))
		return S_NONE;
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return http_fail(
		        r, S_INTERNAL_ERROR,
		        "CGI script is not in an executable format ('%.200s')",
		        c->script_name);
	buf[strcspn(buf, "\n")] = '\0';
	/* the kernel would take the CR as part of a word */
	if (strchr(buf, '\r')) {
		return http_fail(r, S_INTERNAL_ERROR,
		                 "CGI script's #! line ends in CR ('%.200s')",
		                 c->script_name);
	}
	interp = buf + 2 + strspn(buf + 2, " \t");
	arg = interp + strcspn(interp, " \t");
	if (*arg)
		*arg++ = '\0';
	/* the rest is one argument, as the kernel */
	arg += strspn(arg, " \t");
	for (size_t k = strlen(arg);
	     k && (arg[k - 1] == ' ' || arg[k - 1] == '\t'); k--)
		arg[k - 1] = '\0';	/* passes it: "-w -T" stays whole */
	snprintf(c->interp, sizeof(c->interp), "%s", interp);
	snprintf(c->iarg, sizeof(c->iarg), "%s", arg);
	base = strrchr(interp, '/') ? strrchr(interp, '/') + 1 : interp;
	if (!*interp || !runnable(c, interp) ||
	    (!strcmp(base, "env") && *arg && *arg != '-' && !strchr(arg, '=') &&
	     !on_path(sv, c, interp = arg)))
		return http_fail(
		        r, S_INTERNAL_ERROR,
		        "CGI script interpreter cannot be run ('%.200s')",
		        interp);
	return S_NONE;
}

/* --script's program: opened at start; a #! one is exec'd by its path,
 * which must still name that file, and its interpreter must start. */
static enum status
check_program(struct request *r, const struct server *sv, struct cgi *c)
{
	struct stat st, now;

	/* execveat from the descriptor: the kernel judges */
	if (!c->prog->shebang)
		return S_NONE;
	if (fstat(c->prog->fd, &st) < 0 || stat(c->prog->path, &now) < 0 ||
	    st.st_dev != now.st_dev || st.st_ino != now.st_ino)
		return http_fail(r, S_INTERNAL_ERROR,
		                 "CGI program replaced since start ('%.200s')",
		                 c->prog->path);
	return check_format(r, sv, c, c->prog->fd, true);
}

/* 404, 403 not a plain file, 403 not executable, 500 cannot start. The
 * script is opened beneath the root like any file, and "./name" in its
 * directory must be that very file: a symlink that leads out of the root
 * is not a script here. The descriptor is kept: it is what runs. */
static enum status
check_script(struct request *r, const struct server *sv, struct cgi *c)
{
	struct stat st, run;
	bool readable = true;
	enum status s;
	int fd = -1;

	if (c->prog && !c->prog_file)
		return check_program(r, sv, c);

	/* opened once: to read, or (execute-only) only to look at */
	if (c->name[0])
		fd = open_beneath(sv, c->cgifd, c->rel, O_RDONLY | O_NONBLOCK,
		                  0);
	if (c->name[0] && fd < 0 && errno == EACCES) {
		readable = false;
		fd = open_beneath(sv, c->cgifd, c->rel, O_PATH, 0);
	}
	if (fd < 0 && c->name[0]) {
		return http_fail(r, errno == EACCES ? S_FORBIDDEN : S_NOT_FOUND,
		                 "No such CGI script ('%.200s')",
		                 c->script_name);
	}
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		s = http_fail(r, S_FORBIDDEN,
		              "CGI script is not a plain file ('%.200s')",
		              c->script_name);
	} else if (fstatat(c->dirfd, c->name, &run, 0) < 0 ||
	           run.st_dev != st.st_dev || run.st_ino != st.st_ino) {
		s = http_fail(r, S_NOT_FOUND, "No such CGI script ('%.200s')",
		              c->script_name);
	} else if (c->prog_file) {
		/* its program reads it: no x bit, no #! */
		s = readable ? S_NONE : http_fail(r, S_FORBIDDEN,
		    "CGI script is not readable ('%.200s')", c->script_name);
	} else if (faccessat(c->dirfd, c->name, X_OK, AT_EACCESS) < 0) {
		s = http_fail(r, S_FORBIDDEN,
		              "CGI script is not executable ('%.200s')",
		              c->script_name);
	} else {
		s = check_format(r, sv, c, fd, readable);
	}
	if (s && fd >= 0)
		close(fd);
	else
		c->filefd = fd;
	return s;
}

/* ---- the environment ----------------------------------------------------- */

/* Built from nothing into one block sized up front. */
struct env {
	char **vars;
	size_t n, cap;
	char *buf;
	size_t len, size;
	bool full;
};

static void
env_cat(struct env *e, const char *s, size_t n)
{
	if (e->full || e->len + n + 1 > e->size) {
		e->full = true;
		return;
	}
	memcpy(e->buf + e->len, s, n);
	e->len += n;
}

/* The -e variables come first and win: later ones of the same name are
 * left out. */
static bool
env_overridden(const struct server *sv, const char *name, size_t n)
{
	for (size_t i = 0; i < sv->nextra_env; i++)
		if (!strncmp(sv->extra_env[i], name, n) &&
		    sv->extra_env[i][n] == '=')
			return true;
	return false;
}

static void
env_add(struct env *e, const struct server *sv, const char *name,
        const char *value)
{
	size_t start = e->len, n = strlen(name);

	if (!value || env_overridden(sv, name, n))
		return;
	if (e->n + 1 >= e->cap) {
		e->full = true;
		return;
	}
	env_cat(e, name, n);
	env_cat(e, "=", 1);
	env_cat(e, value, strlen(value));
	env_cat(e, "", 1);	/* the terminator */
	if (!e->full)
		e->vars[e->n++] = e->buf + start;
}

/* Request headers as HTTP_*: repeated fields merged; credentials,
 * httpoxy, the body's own fields and names that could spoof another
 * variable left out. */
static bool
exported(const struct server *sv, const char *name)
{
	static const char *const never[] = { "Proxy", "Proxy-Authorization",
	                                     "Content-Type", "Content-Length",
	                                     "Transfer-Encoding" };

	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                 "0123456789-") != strlen(name))
		return false;
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (!strcasecmp(name, never[i]))
			return false;
	return sv->pass_auth || strcasecmp(name, "Authorization");
}

static void
env_headers(struct env *e, const struct server *sv, const struct request *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const char *name = r->fields[i].name;
		const char *sep = strcasecmp(name, "Cookie") ? ", " : "; ";
		char var[HDR_LINE_MAX + 8];
		size_t j;

		for (j = 0; j < i && strcasecmp(r->fields[j].name, name); j++)
			;
		if (j < i || !exported(sv, name))
			continue;	/* merged already, or not for scripts */
		j = (size_t)snprintf(var, sizeof(var), "HTTP_%s", name);
		for (char *v = var; *v; v++)
			*v = *v == '-' ? '_' : (char)toupper((unsigned char)*v);
		if (env_overridden(sv, var, j) || e->n + 1 >= e->cap)
			continue;
		e->vars[e->n] = e->buf + e->len;
		env_cat(e, var, j);
		env_cat(e, "=", 1);
		for (j = i; j < r->nfields; j++) {
			if (strcasecmp(r->fields[j].name, name))
				continue;
			if (j > i)
				env_cat(e, sep, 2);
			env_cat(e, r->fields[j].value,
			        strlen(r->fields[j].value));
		}
		env_cat(e, "", 1);
		e->n += !e->full;
	}
}

/* Whether cgiinetd's own variable NAME (n bytes) reaches scripts. */
static bool
passed_on(const char *name, size_t n)
{
	return (n == 2 && !strncmp(name, "TZ", 2)) ||
	       (n == 4 && !strncmp(name, "LANG", 4)) ||
	       !strncmp(name, "LC_", 3);
}

/* From the server's own environment only TZ, LANG, LC_* and PATH (or a
 * default for it). */
static void
env_inherited(struct env *e, const struct server *sv)
{
	for (char **v = environ; *v; v++) {
		size_t n = strcspn(*v, "=");
		if (passed_on(*v, n)) {
			if (env_overridden(sv, *v, n) || !(*v)[n] ||
			    e->n + 1 >= e->cap)
				continue;
			e->vars[e->n++] = *v;
		}
	}
	env_add(e, sv, "PATH", script_path(sv));
}

static void
env_request(struct env *e, const struct server *sv, const struct request *r,
            const struct cgi *c)
{
	char buf[sizeof(r->path) + sizeof(sv->docroot_abs)];
	const char *root = strcmp(sv->docroot_abs, "/") ? sv->docroot_abs : "";
	const char *auth = http_field(r, "Authorization");

	env_add(e, sv, "SERVER_SOFTWARE", "cgiinetd/" VERSION);
	snprintf(buf, sizeof(buf), "%s",
	         r->host && *r->host ? r->host : r->local_addr);
	/* drop the port, keep an IP-literal's brackets */
	if (r->host && *r->host && buf[0] == '[')
		buf[strcspn(buf, "]") + 1] = '\0';
	else if (r->host && *r->host)
		buf[strcspn(buf, ":")] = '\0';
	env_add(e, sv, "SERVER_NAME", buf);
	env_add(e, sv, "SERVER_PORT", r->local_port);
	env_add(e, sv, "SERVER_PROTOCOL", r->version);
	env_add(e, sv, "GATEWAY_INTERFACE", "CGI/1.1");
	env_add(e, sv, "REQUEST_METHOD", r->method_name);
	snprintf(buf, sizeof(buf), "%s%s%s", r->target, r->query ? "?" : "",
	         r->query ? r->query : "");
	env_add(e, sv, "REQUEST_URI", buf);
	env_add(e, sv, "SCRIPT_NAME", c->script_name);
	snprintf(buf, sizeof(buf), "%s%s", root, c->script_name);
	env_add(e, sv, "SCRIPT_FILENAME", /* --script's program, or the file */
	        c->prog && !c->prog_file ? c->prog->path : buf);
	env_add(e, sv, "PATH_INFO", c->path_info);
	snprintf(buf, sizeof(buf), "%s%s", root, c->path_info);
	env_add(e, sv, "PATH_TRANSLATED", *c->path_info ? buf : NULL);
	env_add(e, sv, "QUERY_STRING", r->query ? r->query : "");
	env_add(e, sv, "DOCUMENT_ROOT", sv->docroot_abs);
	env_add(e, sv, "REMOTE_ADDR", r->peer_addr);
	env_add(e, sv, "REMOTE_PORT", r->peer_port);
	env_add(e, sv, "REMOTE_HOST", r->peer_addr);
	env_add(e, sv, "SERVER_ADDR", r->local_addr);
	env_add(e, sv, "REQUEST_SCHEME",
	        sv->https || r->tls ? "https" : "http");
	env_add(e, sv, "HTTPS", sv->https || r->tls ? "on" : NULL);
	/* php-cgi's force_redirect */
	env_add(e, sv, "REDIRECT_STATUS", "200");
	env_add(e, sv, "CONTENT_TYPE",
	        r->redirected ? NULL : http_field(r, "Content-Type"));
	snprintf(buf, sizeof(buf), "%lld", (long long)r->content_length);
	env_add(e, sv, "CONTENT_LENGTH", r->content_length >= 0 ? buf : NULL);
	if (auth) {
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(auth, " \t"),
		         auth);
		env_add(e, sv, "AUTH_TYPE", buf);
	}
}

/* perf: argv and the environment in one static arena, not by malloc (with
 * struct cgi static: a compiled CGI's page faults 33-35 to 26-28, d13d3b3):
 * the process execs or exits right after, with nothing to give back, and
 * only the pages written are ever touched. The worst case: the variables'
 * text (make_env's size, under 230 KB), their pointers (a few hundred, and
 * one for each TZ, LANG or LC_* cgiinetd itself was given), a query of
 * single-letter words as argv (4 K of them: 32 KB of pointers), its copy,
 * and for a #! script the same pointers again, its interpreter's. */
static _Alignas(max_align_t) char arena[384 << 10];
static size_t arena_used;

/* n bytes of the arena (not zeroed: a page is touched only when written),
 * or NULL when it is spent */
static void *
arena_take(size_t n)
{
	size_t at = (arena_used + 15) & ~(size_t)15;

	if (at > sizeof(arena) || n > sizeof(arena) - at)
		return NULL;
	arena_used = at + n;
	return arena + at;
}

static enum status
make_env(struct request *r, const struct server *sv, struct cgi *c)
{
	struct env e = { 0 };
	size_t inherited = 0;

	for (char **v = environ; *v; v++)
		inherited += passed_on(*v, strcspn(*v, "="));
	e.cap = HDR_FIELDS_MAX + EXTRA_ENV_MAX + 64 + inherited;
	e.size = 2 * HEAD_MAX + 8 * (sizeof(r->path) + sizeof(sv->docroot_abs));
	if (e.cap > sizeof(arena) / sizeof(*e.vars) ||
	    !(c->envp = e.vars = arena_take(e.cap * sizeof(*e.vars))) ||
	    !(e.buf = arena_take(e.size)))
		return http_fail(r, S_INTERNAL_ERROR,
		                 "CGI environment too large");
	for (size_t i = 0; i < sv->nextra_env; i++)
		e.vars[e.n++] = (char *)(uintptr_t)sv->extra_env[i];
	env_request(&e, sv, r, c);
	env_headers(&e, sv, r);
	env_inherited(&e, sv);
	if (e.full)
		return http_fail(r, S_INTERNAL_ERROR,
		                 "CGI environment too large");
	e.vars[e.n] = NULL;
	return S_NONE;
}

/* ---- argv ---------------------------------------------------------------- */

/* A word that no shell and no Perl two-argument open (a script's <>) reads
 * as more than a word: letters, digits, bytes past ASCII and "!,.:@_=~-",
 * neither '-' (an option) nor '.' first. Not '/': no path to elsewhere. */
static bool
plain_word(const char *w)
{
	if (w[0] == '-' || w[0] == '.')
		return false;
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		if (!(isalnum(*p) || *p >= 0x80 || strchr("!,.:@_=~-", *p)))
			return false;
	return true;
}

/* RFC 3875 4.4: a GET or HEAD whose query has no unencoded '=' is a search
 * string: its '+'-separated words, decoded, are the arguments, unless one
 * is not plain or cannot be represented; then there are none. */
static enum status
make_argv(struct request *r, struct cgi *c)
{
	size_t words = 1, n = 1;
	char *q, *save = NULL;

	if (r->query && *r->query && !strchr(r->query, '=') &&
	    (r->method == M_GET || r->method == M_HEAD)) {
		for (const char *p = r->query; *p; p++)
			words += *p == '+';
		/* empty words are dropped: each takes a byte and a '+' */
		if (words > strlen(r->query) / 2 + 1)
			words = strlen(r->query) / 2 + 1;
	}
	if (!(c->argv = arena_take((words + 2) * sizeof(*c->argv))))
		return S_INTERNAL_ERROR;
	c->argv[0] = c->name;
	c->argv[1] = NULL;
	/* PROG ./FILE, and no words: they are not the file's */
	if (c->prog_file) {
		if (!(c->argv[1] = arena_take(strlen(c->name) + 3)))
			return S_INTERNAL_ERROR;
		/* "-s.php" is no option */
		sprintf(c->argv[1], "./%s", c->name);
		c->argv[0] = (char *)(uintptr_t)c->prog->path;
		c->argv[2] = NULL;
		return S_NONE;
	}
	if (words == 1 && !(r->query && *r->query && !strchr(r->query, '=') &&
	                    (r->method == M_GET || r->method == M_HEAD)))
		return S_NONE;
	if (!(q = arena_take(strlen(r->query) + 1)))
		return S_INTERNAL_ERROR;
	strcpy(q, r->query);
	for (char *w = strtok_r(q, "+", &save); w;
	     w = strtok_r(NULL, "+", &save)) {
		if (http_percent_decode(w, w, true) || !plain_word(w)) {
			c->argv[1] = NULL;
			return S_NONE;
		}
		c->argv[n++] = w;
	}
	c->argv[n] = NULL;
	return S_NONE;
}

/* A #! script runs as the kernel would run it, its interpreter exec'd by
 * us: "INTERP [ARG] ./name WORDS...". So what runs is the interpreter its
 * checked line names, whatever "./name" has become since. */
static enum status
make_interp_argv(struct cgi *c)
{
	size_t n = 0, k = 0;
	char *path;

	if (!c->interp[0] || c->prog)	/* a program's #! is the kernel's */
		return S_NONE;
	while (c->argv[n])
		n++;
	if (!(c->iargv = arena_take((n + 3) * sizeof(*c->iargv))) ||
	    !(path = arena_take(strlen(c->name) + 3)))
		return S_INTERNAL_ERROR;
	sprintf(path, "./%s", c->name);
	c->iargv[k++] = c->interp;
	if (c->iarg[0])
		c->iargv[k++] = c->iarg;
	c->iargv[k++] = path;
	for (size_t i = 1; i <= n; i++)		/* the words, and the NULL */
		c->iargv[k++] = c->argv[i];
	return S_NONE;
}

/* ---- the request body ---------------------------------------------------- */

/* A buffered reader of fd 0 for a chunked body: here the body is ours to
 * consume. Each wait is bounded by --timeout, the whole by --cgi-timeout. */
struct reader {
	int timeout;
	long long deadline;	/* ms on the monotonic clock, 0: none */
	bool sock;		/* fd 0 is a socket: read it without blocking */
	size_t pos, len;
	char buf[262144];
};

static enum status
rd_fill(struct reader *rd)
{
	while (rd->pos == rd->len) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		ssize_t n = -1;

		/* perf: on a socket the read comes first, and the wait (a poll
		 * and a clock) only when there is nothing, in 256 KiB: a 1 GiB
		 * chunked body took 3 system calls each 16 KiB before */
		if (rd->sock)
			n = recv(0, rd->buf, sizeof(rd->buf), MSG_DONTWAIT);
		if (n < 0 && (!rd->sock || errno == EAGAIN)) {
			int k = poll_until(&p, 1, idle_deadline(rd->timeout,
			                                        rd->deadline));

			if (k == 0)
				return S_REQUEST_TIMEOUT;
			if (k > 0)
				n = read(0, rd->buf, sizeof(rd->buf));
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return S_BAD_REQUEST;	/* the body ended early */
		rd->pos = 0;
		rd->len = (size_t)n;
	}
	return S_NONE;
}

/* One line, which must end in CRLF: no bare LF in the framing. */
static enum status
rd_line(struct reader *rd, char *line, size_t cap)
{
	size_t n = 0;
	enum status s;

	for (;;) {
		char c;
		if ((s = rd_fill(rd)))
			return s;
		c = rd->buf[rd->pos++];
		if (c == '\n')
			break;
		if (c == '\0' || n + 1 >= cap)	/* a NUL would cut the line */
			return S_BAD_REQUEST;
		line[n++] = c;
	}
	if (n == 0 || line[n - 1] != '\r')
		return S_BAD_REQUEST;
	line[n - 1] = '\0';
	return S_NONE;
}

/* The spool's writes, gathered: a body of one-byte chunks is not a write
 * a byte. */
struct spool {
	int fd;
	size_t len;
	char buf[SPOOL_BUF];
};

static enum status
spool_flush(struct spool *sp)
{
	ssize_t n = sp->len ? write_all(sp->fd, sp->buf, sp->len) : 0;

	sp->len = 0;
	return n < 0 ? S_INTERNAL_ERROR : S_NONE;
}

static enum status
rd_copy(struct reader *rd, off_t n, struct spool *sp)
{
	enum status s;

	while (n > 0) {
		size_t k;
		if ((s = rd_fill(rd)) ||
		    (sp->len == sizeof(sp->buf) && (s = spool_flush(sp))))
			return s;
		k = rd->len - rd->pos < (size_t)n ? rd->len - rd->pos
		                                  : (size_t)n;
		/* perf: a big slice, not copied */
		if (k >= sizeof(sp->buf)) {
			if ((s = spool_flush(sp)) ||
			    write_all(sp->fd, rd->buf + rd->pos, k) < 0)
				return s ? s : S_INTERNAL_ERROR;
			rd->pos += k;
			n -= (off_t)k;
			continue;
		}
		if (k > sizeof(sp->buf) - sp->len)
			k = sizeof(sp->buf) - sp->len;
		memcpy(sp->buf + sp->len, rd->buf + rd->pos, k);
		sp->len += k;
		rd->pos += k;
		n -= (off_t)k;
	}
	return S_NONE;
}

/* The length of the token or quoted-string (RFC 9110 5.6.2, 5.6.4) that
 * begins s, 0 if neither: no control byte but HTAB inside the quotes. */
static size_t
ext_value_len(const char *s)
{
	size_t i;

	if (*s != '"')
		return http_token_len(s);
	for (i = 1; s[i] && s[i] != '"'; i++) {
		unsigned char c;

		if (s[i] == '\\' && s[i + 1])
			i++;	/* a quoted-pair */
		c = (unsigned char)s[i];
		if (http_is_ctl(c) && c != '\t')
			return 0;
	}
	return s[i] == '"' ? i + 1 : 0;
}

/* chunk-ext (RFC 9112 7.1.1): *( BWS ";" BWS name [ BWS "=" BWS value ] ),
 * white space only around ';' and '='. None is understood: all dropped. */
static bool
is_chunk_ext(const char *p)
{
	size_t k;

	while (*p) {
		p += strspn(p, " \t");
		if (*p++ != ';')
			return false;
		p += strspn(p, " \t");
		if (!(k = http_token_len(p)))
			return false;
		p += k;
		if (p[strspn(p, " \t")] != '=')
			continue;
		p += strspn(p, " \t") + 1;
		p += strspn(p, " \t");
		if (!(k = ext_value_len(p)))
			return false;
		p += k;
	}
	return true;
}

/* chunk-size [ chunk-ext ] CRLF: 1 to 15 hex digits. */
static enum status
chunk_size(const char *line, off_t *size)
{
	size_t n = strspn(line, "0123456789abcdefABCDEF");

	if (n == 0 || n > 15 || !is_chunk_ext(line + n))
		return S_BAD_REQUEST;
	*size = (off_t)strtoll(line, NULL, 16);
	return S_NONE;
}

/* De-chunk the body into an anonymous file, at most limit bytes; it
 * becomes the script's stdin, with the exact CONTENT_LENGTH (git push works
 * through git-http-backend). */
static enum status
spool_chunked(struct request *r, const struct server *sv, int fd, off_t limit)
{
	static struct spool sp;
	static struct reader rd;	/* 256 KiB: off the stack */
	char line[1024];
	off_t size, total = 0;
	size_t trailer = 0;
	enum status s;

	/* field by field: the buffer stays untouched */
	rd.timeout = sv->timeout;
	rd.deadline = r->deadline;
	rd.sock = r->in_sock;
	rd.pos = rd.len = 0;
	sp.fd = fd;
	sp.len = 0;
	for (;;) {
		if ((s = rd_line(&rd, line, sizeof(line))) ||
		    (s = chunk_size(line, &size)))
			return s;
		if (size == 0)
			break;
		if (size > limit - total)
			return S_CONTENT_TOO_LARGE;
		if ((s = rd_copy(&rd, size, &sp)) ||
		    (s = rd_line(&rd, line, 2)))
			return s;
		total += size;
	}
	do {			/* the trailer section, read and dropped */
		if ((s = rd_line(&rd, line, sizeof(line))))
			return s;
		if ((trailer += strlen(line) + 2) > HEAD_MAX)
			return S_HEADERS_TOO_LARGE;
	} while (line[0]);
	r->content_length = total;
	return spool_flush(&sp);
}

/* An anonymous file for the body: on disk where there is one to hold up
 * to --max-body (under --chroot the directory opened before it), else in
 * memory, and then MEM_SPOOL_MAX at most (*limit). */
static int
spool_file(const struct server *sv, off_t *limit)
{
	static const char *const dirs[] = { "/var/tmp", "/tmp" };
	int fd;

	*limit = sv->max_body;
	if (sv->spooldir >= 0 &&
	    (fd = openat(sv->spooldir, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
	                 0600)) >= 0)
		return fd;
	for (size_t i = 0;
	     sv->spooldir < 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if ((fd = open(dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC,
		               0600)) >= 0)
			return fd;
	if (*limit > MEM_SPOOL_MAX)
		*limit = MEM_SPOOL_MAX;
	return memfd_create("cgiinetd-body", MFD_CLOEXEC);
}

static enum status
read_body(struct request *r, const struct server *sv, struct cgi *c)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	enum status s;
	off_t limit;
	int fd;

	if (r->expect_continue &&
	    http_send(r, cont, sizeof(cont) - 1, false) < 0)
		return http_gone(r);
	if (!r->chunked)
		return S_NONE;
	if ((fd = spool_file(sv, &limit)) < 0)
		return S_INTERNAL_ERROR;
	if (!(s = spool_chunked(r, sv, fd, limit)) &&
	    lseek(fd, 0, SEEK_SET) < 0)
		s = S_INTERNAL_ERROR;
	if (s) {
		close(fd);
		return s;
	}
	r->body_unread = false;	/* all of it is here: the spool is its stdin */
	c->body_fd = fd;
	return S_NONE;
}

/* ---- running it ---------------------------------------------------------- */

/* Nothing found, nothing allocated; field by field, not 16 KB of zeroes. */
static void
cgi_init(struct cgi *c)
{
	c->cgifd = c->dirfd = c->body_fd = c->filefd = -1;
	c->interp[0] = c->iarg[0] = '\0';
	c->iargv = NULL;
	c->path_info = "";
	c->prog = NULL;
	c->prog_file = false;
	c->nph = false;
	c->argv = c->envp = NULL;
	c->name[0] = c->rel[0] = c->script_name[0] = '\0';
	arena_used = 0;
}

/* Everything that can fail is decided here, before the status line: the
 * script's checks, the body (the 100 Continue is interim and may still be
 * followed by an error), argv and the environment. */
enum status
cgi_prepare(struct request *r, const struct server *sv, struct cgi *c)
{
	enum status s;

	cgi_init(c);
	/* one budget: body, script, redirects */
	if (sv->cgi_timeout && !r->deadline)
		r->deadline = deadline_in(sv->cgi_timeout * 1000LL);
	if ((s = locate(r, sv, c)) || (s = check_script(r, sv, c)) ||
	    (s = read_body(r, sv, c)) || (s = make_argv(r, c)) ||
	    (s = make_interp_argv(c)) || (s = make_env(r, sv, c)))
		return s;
	return S_NONE;
}

/* What cgi_prepare opened, for the paths that go on after the script. */
void
cgi_free(struct cgi *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->cgifd >= 0)
		close(c->cgifd);
	if (c->body_fd >= 0)
		close(c->body_fd);
	if (c->filefd >= 0)
		close(c->filefd);
	cgi_init(c);
}


/* The end of a script's head in b[0..len): just past its blank line, or 0. */
static size_t
head_end(const char *b, size_t len)
{
	for (const char *p = b; (p = memchr(p, '\n', (size_t)(b + len - p)));
	     p++) {
		if (p + 1 < b + len && p[1] == '\n')
			return (size_t)(p - b) + 2;
		if (p + 2 < b + len && p[1] == '\r' && p[2] == '\n')
			return (size_t)(p - b) + 3;
	}
	return 0;
}

/* ---- parsed-header mode (-P) --------------------------------------------- */

/* The script's head, checked and read. */
struct reply {
	int status;			/* from Status:, 0 if none */
	const char *reason;
	const char *location;
	const char *length;		/* Content-Length, checked */
	bool type;			/* a Content-Type was given */
	size_t nfields;			/* passed on, Location included */
	struct field fields[HDR_FIELDS_MAX];
};

/* "Status: 404 Not Found": three digits, 200-599, a printable reason. */
static bool
parse_status(const char *v, struct reply *rp)
{
	if (strspn(v, "0123456789") != 3 || (v[3] && v[3] != ' '))
		return false;
	rp->status = atoi(v);
	rp->reason = v[3] ? v + 4 : "";
	for (const char *p = rp->reason; *p; p++)
		if (http_is_ctl((unsigned char)*p))
			return false;
	return rp->status >= 200 && rp->status <= 599;
}

/* One "name: value" line of the script's head into rp; false if invalid. */
static bool
reply_field(char *line, struct reply *rp)
{
	static const char *const ours[] = { "Server", "Date", "Connection" };
	struct field f;
	const char *v;

	if (!http_split_field(line, &f))
		return false;
	v = f.value;
	if (!strcasecmp(line, "Status"))
		return !rp->status && parse_status(v, rp);
	if (!strcasecmp(line, "Transfer-Encoding"))
		return true;	/* the body is ours to frame: by the close */
	if (!strcasecmp(line, "Content-Length")) {
		char digits[24];
		off_t n;
		if (!http_parse_length(v, &n))
			return false;
		/* as its number: 03 goes out as 3 */
		strcpy(f.value, decimal(digits, (unsigned long long)n));
		if (rp->length && strcmp(rp->length, v))
			return false;
		if (rp->length)
			return true;	/* the same again: once is enough */
		rp->length = v;
	}
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (!strcasecmp(line, ours[i]))
			return true;	/* the server's own, never twice */
	if (!strcasecmp(line, "Location"))
		rp->location = v;
	rp->type = rp->type || !strcasecmp(line, "Content-Type");
	if (rp->nfields == HDR_FIELDS_MAX)
		return false;
	rp->fields[rp->nfields++] = f;
	return true;
}

/* Check the script's head, buf[0..end) (RFC 3875 6): lines end in LF or
 * CRLF; no CR or NUL elsewhere, every line a field; a Content-Type, a
 * Location or a Status (6.3.1: Content-Type only when a body follows, as
 * git-http-backend's errors and a 304). 502 otherwise: never a guess. */
static enum status
parse_reply(char *buf, size_t end, struct reply *rp)
{
	char *p = buf, *stop = buf + end;

	*rp = (struct reply){ 0 };
	if (memchr(buf, '\0', end))
		return S_BAD_GATEWAY;
	for (char *nl; (nl = memchr(p, '\n', (size_t)(stop - p))); p = nl + 1) {
		char *le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (le == p)
			break;
		*le = '\0';
		if (strchr(p, '\r') || !reply_field(p, rp))
			return S_BAD_GATEWAY;
	}
	return rp->type || rp->location || rp->status ? S_NONE : S_BAD_GATEWAY;
}

/* RFC 3875 6.2.2: "Location: /path" alone asks the server to answer with
 * that path instead, as a GET. */
static bool
is_local_redirect(const struct reply *rp)
{
	return rp->location && rp->location[0] == '/' &&
	       rp->location[1] != '/' && !rp->status && rp->nfields == 1;
}

static enum status
send_reply(struct request *r, const struct reply *rp)
{
	struct resp_head *h = &r->resp;
	int status = rp->status;

	if (!status)	/* RFC 3875 6.2.3: a client redirect is a 302 */
		status = rp->location ? S_FOUND : S_OK;

	http_head_begin(h, r, status,
	                rp->status && *rp->reason ? rp->reason : NULL);
	for (size_t i = 0; i < rp->nfields; i++)
		http_head_add(h, "%s: %s\r\n", rp->fields[i].name,
		              rp->fields[i].value);
	http_head_add(h, "Connection: close\r\n");
	if (http_head_send(r, h, r->method != M_HEAD) < 0)
		return http_gone(r);
	return S_NONE;
}

/* A local redirect's target, kept for routing to start over with
 * (r->local_location). */
static enum status
local_redirect(struct request *r, const char *location)
{
	if (strlen(location) >= sizeof(r->local_location))
		return S_BAD_GATEWAY;
	for (const char *p = location; *p; p++)
		if (*p == ' ' || http_is_ctl((unsigned char)*p))
			return S_BAD_GATEWAY;
	strcpy(r->local_location, location);
	return S_NONE;
}

/* ---- the supervised exec ------------------------------------------------- */

/* How the script's output reaches the client. */
enum mode {
	DIRECT,		/* onto the connection, after our 200 line (Python's) */
	NPH,		/* onto the connection: the whole response is its own */
	/* a HEAD in direct mode: its head relayed, its body dropped */
	HEAD_ONLY,
	/* -P: its head read and checked, ours sent, its body relayed */
	PARSED,
};

/* What the child needs, all decided before it starts; and what it says
 * back: with CLONE_VFORK it shares our memory until it has exec'd. */
struct child {
	const struct cgi *c;
	int in, out, err;		/* become its fds 0, 1 and 2 */
	int error;			/* execve's errno, if it came back */
};

/* The script as the supervisor sees it. */
struct run {
	enum mode mode;
	pid_t pid;
	int pidfd;			/* -1 once it is reaped */
	/* its stdout pipe (HEAD_ONLY, PARSED), else -1 */
	int stdout_fd;
	int err;			/* its stderr pipe */
	/* of ending it: 0 none, 1 SIGTERM, 2 SIGKILL */
	int phase;
	bool timed_out;			/* --cgi-timeout ended it */
	long long stop;			/* when phase 1 begins, 0: never */
	long long next;			/* when the next phase begins */
	/* its output, in the pipe modes */
	/* the head dealt with; the body to the client */
	bool head_done, relay;
	size_t len;
	/* its stderr, logged line by line */
	size_t errlen, logged, dropped;
	bool cut;
	char errline[STDERR_LINE_MAX + 1];
};

/* the script's head (HEAD_ONLY, PARSED) */
static char script_head[HEAD_MAX];

/* The child's stack: CLONE_VM gives it none of its own. Only the pages it
 * uses are ever touched. */
static _Alignas(16) char child_stack[64 << 10];

/* Nothing past fd 2 may reach the script: all are closed at the exec (the
 * one it is exec'd from, keep, too), the rest at once before Linux 5.11. */
static void
close_from_3(int keep)
{
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		struct rlimit rl;
		int max = 1 << 20;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1 << 20)
			max = (int)rl.rlim_cur;
		for (int fd = 3; fd < max; fd++)
			if (fd != keep)
				close(fd);
	}
}

/* What runs. --script's or --cgi-ext's program: an ELF one from the
 * descriptor opened at start (it works in a chroot), a #! one by its path
 * (the kernel would hand the interpreter /dev/fd/N, which needs /proc).
 * A script: the very file checked, from its descriptor, whatever its name
 * is now; a #! script by the interpreter its checked line names. */
static void
exec_script(const struct child *ch)
{
	const struct cgi *c = ch->c;
	const struct program *p = c->prog;

	if (p && p->shebang)
		execve(p->path, c->argv, c->envp);
	else if (p)
		syscall(SYS_execveat, p->fd, "", c->argv, c->envp,
		        AT_EMPTY_PATH);
	else if (c->iargv)
		execve(c->interp, c->iargv, c->envp);
	else
		syscall(SYS_execveat, c->filefd, "", c->argv, c->envp,
		        AT_EMPTY_PATH);
}

/* The exec contract, in the child: fds 0-2 set and nothing else open;
 * signals default and unblocked (the mask last: until then no handler of
 * ours can run on the memory it shares with us); a process group of its
 * own; cwd the script's directory. The signals through the system calls:
 * glibc's wrappers will not touch 32 and 33, its own, which a launcher may
 * have left ignored. An all-zero kernel sigaction is SIG_DFL on every ABI. */
static int
child_main(void *arg)
{
	static const unsigned long zero[16];
	const size_t setsize = 8;	/* the kernel's sigset: 64 signals */
	struct child *ch = arg;

	setpgid(0, 0);
	if ((ch->in != 0 && dup2(ch->in, 0) < 0) ||
	    (ch->out != 1 && dup2(ch->out, 1) < 0) || dup2(ch->err, 2) < 0 ||
	    fchdir(ch->c->dirfd) < 0) {
		ch->error = errno;
		_exit(127);
	}
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, zero, NULL, setsize);
	close_from_3(ch->c->prog ? ch->c->prog->fd : ch->c->filefd);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, zero, NULL, setsize);
	exec_script(ch);
	ch->error = errno;
	_exit(127);
}

/* Fork once (clone with CLONE_VM | CLONE_VFORK: no copy of our memory, and
 * we go on only once the child has exec'd, or failed to) with our signals
 * blocked meanwhile; we become the subreaper of all it starts, so that
 * what escapes its process group with setsid() is still ours to end. */
static enum status
start(struct request *r, struct run *run, const struct cgi *c)
{
	struct child ch = { .c = c, .out = 1,
	                    .in = c->body_fd >= 0 ? c->body_fd : 0 };
	int outp[2] = { -1, -1 }, errp[2];
	sigset_t all, old;

	if (pipe2(errp, O_CLOEXEC) < 0 ||
	    (run->mode >= HEAD_ONLY && pipe2(outp, O_CLOEXEC) < 0))
		return http_fail(r, S_INTERNAL_ERROR,
		                 "pipe: %s", strerror(errno));
	ch.out = outp[1] >= 0 ? outp[1] : 1;
	ch.err = errp[1];
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	run->pid = clone(child_main, child_stack + sizeof(child_stack),
	                 CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &ch,
	                 &run->pidfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(errp[1]);
	if (outp[1] >= 0)
		close(outp[1]);
	run->stdout_fd = outp[0];
	run->err = errp[0];
	if (run->pid < 0)
		return http_fail(r, S_INTERNAL_ERROR,
		                 "fork: %s", strerror(errno));
	if (ch.error) {
		run->stdout_fd = run->err = -1;
		close(outp[0]);
		close(errp[0]);
		waitpid(run->pid, NULL, 0);
		close(run->pidfd);
		run->pidfd = -1;
		return http_fail(r, S_INTERNAL_ERROR,
		                 "exec failed: %s", strerror(ch.error));
	}
	return S_NONE;
}

/* Our children other than the script's process group: what escaped it
 * with setsid() and was orphaned to us. Each gets sig, with its own group.
 * /proc lists them (the chroot keeps a descriptor of it). How many. */
static int
signal_orphans(const struct server *sv, int sig)
{
	int dfd = openat(sv->procfd >= 0 ? sv->procfd : AT_FDCWD,
	                 sv->procfd >= 0 ? "." : "/proc",
	                 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	long self = (long)getpid();
	int found = 0;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	for (struct dirent *de; (de = readdir(d));) {
		char path[NAME_MAX + 8], stat[512], *p;
		long pid = atol(de->d_name), ppid;
		char state;
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		if (pid <= 0 ||
		    (fd = openat(dfd, path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, stat, sizeof(stat) - 1);
		close(fd);
		stat[n > 0 ? n : 0] = '\0';
		/* "pid (comm) state ppid ...": comm may hold anything, even
		 * ')' */
		if (!(p = strrchr(stat, ')')) ||
		    sscanf(p + 1, " %c %ld", &state, &ppid) != 2 ||
		    ppid != self || state == 'Z')
			continue;
		kill((pid_t)-pid, sig);
		kill((pid_t)pid, sig);
		found++;
	}
	closedir(d);
	return found;
}

/* The next phase of ending the script and all it started: SIGTERM, then
 * SIGKILL KILL_GRACE_MS later, then as long again for its pipes to close. */
static void
step(struct request *r, const struct server *sv, struct run *run)
{
	int sig = run->phase == 0 ? SIGTERM : SIGKILL;

	/* nothing is left to do: stop waiting */
	if (run->phase == 2) {
		if (run->stdout_fd >= 0)
			close(run->stdout_fd);
		if (run->err >= 0)
			close(run->err);
		run->stdout_fd = run->err = -1;
		run->next = 0;
		return;
	}
	if (run->phase == 0 && run->pidfd >= 0 && r->deadline &&
	    now_ms() >= r->deadline)
		run->timed_out = true;
	/* its group, while its id is still its own */
	if (run->pidfd >= 0)
		kill(-run->pid, sig);
	signal_orphans(sv, sig);
	run->phase++;
	run->next = deadline_in(KILL_GRACE_MS);
}

/* One line of the script's stderr to the log, marked with the client and
 * the script so that it cannot pass for an access line; at most
 * STDERR_LOG_MAX bytes a request are logged, the rest only counted. */
static void
log_stderr(const struct request *r, const struct server *sv,
           const struct cgi *c, struct run *run)
{
	char text[STDERR_LINE_MAX * 4 + 1];

	run->errline[run->errlen] = '\0';
	if (sv->log == LOG_TO_NONE ||
	    run->logged + run->errlen > STDERR_LOG_MAX) {
		run->dropped += run->errlen;
	} else {
		run->logged += run->errlen;
		log_escape(text, sizeof(text), run->errline);
		log_error(sv, "%s %s: stderr: %s%s", r->peer_addr,
		          c->script_name, text, run->cut ? " [cut]" : "");
	}
	run->errlen = 0;
}

/* What the script wrote to its stderr, split into lines: a line too long
 * is cut (the rest of it skipped), one without its newline ends at EOF. */
static void
on_stderr(const struct request *r, const struct server *sv, const struct cgi *c,
          struct run *run)
{
	char buf[4096];
	ssize_t n = read(run->err, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (!run->cut)
				log_stderr(r, sv, c, run);
			run->cut = false;
		} else if (run->cut) {
			;	/* the rest of a line too long: skipped */
		} else if (run->errlen < STDERR_LINE_MAX) {
			run->errline[run->errlen++] = buf[i];
		} else {
			run->cut = true;
			log_stderr(r, sv, c, run);
		}
	}
	if (n <= 0) {
		if (run->errlen)
			log_stderr(r, sv, c, run);
		close(run->err);
		run->err = -1;
	}
}

/* Stop taking the script's output (the client is gone, or an error of
 * ours went out instead): its next write is a SIGPIPE, and it has
 * KILL_GRACE_MS to end by itself before it is made to. */
static void
end_soon(struct run *run)
{
	long long soon = deadline_in(KILL_GRACE_MS);

	if (run->stdout_fd >= 0)
		close(run->stdout_fd);
	run->stdout_fd = -1;
	run->relay = false;
	if (run->phase == 0 && (!run->stop || run->stop > soon))
		run->stop = soon;
}

/* An error of ours in the script's stead, if nothing was sent yet. */
static void
fail(struct request *r, struct run *run, enum status s)
{
	if (!r->status)
		http_send_error(r, s);
	end_soon(run);
}

/* -P: the script's head is complete (end), or its output ended or outgrew
 * the buffer first (end 0). A local redirect is followed once the script
 * has ended; otherwise our head goes out, and the body follows unless the
 * request or the status forbids one. */
static void
parsed_head(struct request *r, struct run *run, size_t end)
{
	static struct reply rp;
	enum status s =
	        end ? parse_reply(script_head, end, &rp) : S_BAD_GATEWAY;

	if (!s && is_local_redirect(&rp)) {
		/* its body is dropped, the new path served after */
		if (!(s = local_redirect(r, rp.location)))
			return;
	} else if (!s) {
		if (send_reply(r, &rp)) {
			end_soon(run);	/* the client is gone */
		} else if (r->method != M_HEAD && r->status != 204 &&
		           r->status != 304) {
			/* the body read with the head first; if it cannot
			 * go, nothing after it may (a gap in the body) */
			if (run->len > end &&
			    http_send(r, script_head + end, run->len - end,
			              false) < 0) {
				end_soon(run);
			} else {
				r->body_sent = (off_t)(run->len - end);
				run->relay = true;
				/* perf: a 1 MiB pipe (pipe-max-size's default)
				 * for the body, not 64 KiB: 6.5 s of CPU for
				 * 5 GiB spliced, 4.0 s with it */
				fcntl(run->stdout_fd, F_SETPIPE_SZ, 1 << 20);
			}
		}
		r->script_answered = true;
		return;
	}
	fail(r, run, s);
}

/* -P to a socket: the body read into here and sent on. perf (1 GiB of
 * 64 KiB writes, 2 cores): splicing the pipe to the socket held the pipe's
 * mutex across the TCP send, the script's writes spun on it, and the
 * pipe's pages, given to the skbs, were allocated and freed once each
 * (0.5-0.85 of direct mode's speed); read and send, one copy more, went
 * 1.29-1.42 of it at 0.77-0.82 of its CPU. 1 MiB: the pipe's size, one
 * read drains it (64 KiB: 0.54, 16 KiB: 0.47 of direct's speed). */
static char relay_buf[1 << 20];

/* len bytes of relay_buf to the client socket: all of them; or the client
 * is gone or took nothing for --timeout (end_soon); or the script's
 * deadline came (the rest dropped: on_stop ends the answer, as it cut a
 * splice). Non-blocking (the socket's flags are the script's too), each
 * wait polled to whichever of the two limits is nearer. */
static void
relay_send(struct request *r, struct run *run, size_t len)
{
	const char *p = relay_buf;

	while (len > 0) {
		ssize_t n;

		if (r->deadline && now_ms() >= r->deadline)
			return;
		n = send(1, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			r->body_sent += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && http_wait_client(r))
			continue;
		if (r->deadline && now_ms() >= r->deadline)
			return;		/* the deadline: on_stop's */
		end_soon(run);
		return;
	}
}

/* The script's output, in the pipe modes: its head gathered, then its body
 * sent to the client (a socket: read and sent; a pipe: spliced) or
 * dropped. */
static void
on_output(struct request *r, struct run *run)
{
	ssize_t n;
	size_t end = 0;

	if (run->head_done && run->relay && r->out_sock) {
		n = read(run->stdout_fd, relay_buf, sizeof(relay_buf));
		if (n > 0)
			relay_send(r, run, (size_t)n);
		else if (n < 0 && errno != EINTR && errno != EAGAIN)
			end_soon(run);
		if (n != 0)
			return;
	} else if (run->head_done && run->relay) {
		n = splice(run->stdout_fd, NULL, 1, NULL, 1 << 20,
		           SPLICE_F_MOVE | SPLICE_F_MORE | SPLICE_F_NONBLOCK);
		if (n > 0)
			r->body_sent += n;
		/* EAGAIN: fd 1 a full pipe (SPLICE_F_NONBLOCK is for both of
		 * a splice's pipes) that has room again goes on; else the
		 * client is gone, or took nothing for --timeout */
		else if (n < 0 && errno == EAGAIN && http_wait_client(r))
			;
		else if (n < 0 && errno != EINTR)
			end_soon(run);
	} else if (run->head_done) {
		n = read(run->stdout_fd, script_head, sizeof(script_head));
	} else {
		size_t room = sizeof(script_head) - run->len;

		/* a page at most: the body is the kernel's */
		n = read(run->stdout_fd, script_head + run->len,
		         room < 4096 ? room : 4096);
		if (n > 0 &&
		    !(end = head_end(script_head, run->len += (size_t)n)) &&
		    run->len < sizeof(script_head))
			return;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		run->head_done = true;
		/* HEAD_ONLY: its head as written; with none, ours ended */
		if (run->mode == PARSED)
			parsed_head(r, run, end);
		else if (end)
			(void)http_send(r, script_head, end, false);
		else
			(void)http_send(r, "\r\n", 2, false);
		return;
	}
	if (n == 0 && run->stdout_fd >= 0) {
		close(run->stdout_fd);
		run->stdout_fd = -1;
	}
}

/* The script has ended: its status is taken before anything of ours can
 * touch it, then what it left in its process group is killed (its zombie
 * keeps the group's id its own till then) and it is reaped. What still
 * holds its pipes (escaped with setsid()) is ended KILL_GRACE_MS later. */
static void
on_end(struct request *r, struct run *run)
{
	siginfo_t si = { 0 };

	if (waitid(P_PID, run->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	    !si.si_pid)
		return;
	r->script_exit =
	        si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	r->script_signal = si.si_code == CLD_EXITED ? 0 : si.si_status;
	kill(-run->pid, SIGKILL);
	while (waitpid(run->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(run->pidfd);
	run->pidfd = -1;
	if (run->phase == 0 && (run->stdout_fd >= 0 || run->err >= 0)) {
		long long soon = deadline_in(KILL_GRACE_MS);
		if (!run->stop || run->stop > soon)
			run->stop = soon;
	}
}

/* The time to wake for the next phase of ending the script, 0: none. */
static long long
wake_at(const struct run *run)
{
	return run->phase == 0 ? run->stop : run->next;
}

/* It is time to end the script: in the pipe modes, what the client has
 * not had yet becomes a 504 (-P) or the end of a HEAD's head. */
static void
on_stop(struct request *r, const struct server *sv, struct run *run)
{
	int queued = 0;

	/* ended by itself, its body still on its way to the client: not yet */
	if (run->phase == 0 && run->pidfd < 0 && run->relay &&
	    ioctl(run->stdout_fd, FIONREAD, &queued) == 0 && queued > 0 &&
	    (!r->deadline || now_ms() < r->deadline)) {
		run->stop = deadline_in(KILL_GRACE_MS);
		if (r->deadline && r->deadline < run->stop)
			run->stop = r->deadline;
		return;
	}
	if (run->phase == 0 && !run->head_done && run->mode >= HEAD_ONLY) {
		run->head_done = true;
		if (run->mode == PARSED)
			fail(r, run, S_GATEWAY_TIMEOUT);
		else
			(void)http_send(r, "\r\n", 2, false);
	}
	if (run->phase == 0)
		end_soon(run);
	step(r, sv, run);
}

/* One loop until the script and all it started have ended: its pidfd, its
 * stderr, its stdout in the pipe modes, and the deadline. */
static void
supervise(struct request *r, const struct server *sv, const struct cgi *c,
          struct run *run)
{
	while (run->stdout_fd >= 0 || run->err >= 0 || run->pidfd >= 0) {
		struct pollfd p[3];
		int n = 0, io = -1, ie = -1, ix = -1, k;

		if (run->stdout_fd >= 0)
			p[io = n++] = (struct pollfd){ .fd = run->stdout_fd,
			                               .events = POLLIN };
		if (run->err >= 0)
			p[ie = n++] = (struct pollfd){ .fd = run->err,
			                               .events = POLLIN };
		if (run->pidfd >= 0)
			p[ix = n++] = (struct pollfd){ .fd = run->pidfd,
			                               .events = POLLIN };
		if ((k = poll_until(p, (nfds_t)n, wake_at(run))) == 0)
			on_stop(r, sv, run);
		if (k <= 0)
			continue;
		if (ix >= 0 && p[ix].revents)
			on_end(r, run);
		if (ie >= 0 && p[ie].revents && run->err >= 0)
			on_stderr(r, sv, c, run);
		if (io >= 0 && p[io].revents && run->stdout_fd >= 0)
			on_output(r, run);
	}
}

/* After the script, its group killed with it: what escaped the group is
 * orphaned to us a generation at a time, each killed and reaped till no
 * child of ours is left (for KILL_GRACE_MS at most: one that cannot die
 * is the kernel's to end). */
static void
end_orphans(const struct server *sv)
{
	long long until = deadline_in(KILL_GRACE_MS);
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };

	for (;;) {
		pid_t pid;

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid < 0 || now_ms() >= until)
			return;		/* none left (ECHILD), or given up on */
		if (!signal_orphans(sv, SIGKILL))
			nanosleep(&tick, NULL);	/* being orphaned: a moment */
	}
}

/* Run the script in a child of ours and supervise it to its end, in every
 * mode. The checks, the body, argv and the environment are done
 * (cgi_prepare). Returns S_NONE when the request is answered (r->status
 * what went out) or another path is to be served (r->local_location), else an
 * error not yet sent. */
enum status
cgi_run(struct request *r, const struct server *sv, struct cgi *c)
{
	static struct run run;
	long long started = now_ms(), sent;
	enum status s;

	run = (struct run){ .pidfd = -1, .stdout_fd = -1, .err = -1,
	                    .stop = r->deadline, .mode = DIRECT };
	if (c->nph)
		run.mode = NPH;
	else if (sv->parse_headers)
		run.mode = PARSED;
	else if (r->method == M_HEAD)
		run.mode = HEAD_ONLY;
	if (run.mode == DIRECT || run.mode == HEAD_ONLY) {
		/* an open head: the script writes the rest of it */
		http_head_begin(&r->resp, r, S_OK, "Script output follows");
		http_head_add(&r->resp, "Connection: close\r\n");
		if (!r->http09 &&
		    http_send(r, r->resp.buf, r->resp.len, false) < 0) {
			r->status = 0;
			return http_gone(r);
		}
	}
	sent = http_bytes_out(r);
	if ((s = start(r, &run, c))) {
		if (!r->status)
			return s;
		/* our 200 is out, the head open: the log says the answer
		 * failed */
		log_error(sv, "%s: %s", r->path, r->msg);
		r->status = s;
		return S_NONE;
	}
	r->script_answered = run.mode != PARSED;
	supervise(r, sv, c, &run);
	end_orphans(sv);
	if (run.dropped)
		log_error(sv, "%s %s: stderr: %zu more bytes not logged",
		          r->peer_addr, c->script_name, run.dropped);
	r->script_ms = now_ms() - started;
	r->script_timed_out = run.timed_out;
	if (run.mode <= NPH && sent >= 0 && http_bytes_out(r) >= sent)
		r->body_sent = (off_t)(http_bytes_out(r) - sent);
	return S_NONE;
}
