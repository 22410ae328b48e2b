/*
 * cgi.c: RFC 3875 scripts. Which paths are scripts (Python's is_cgi and
 * run_cgi), the checks made before anything is written, the environment
 * built from nothing, argv (4.4), and the exec in place of this process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
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
		if (n > best && !strncmp(path, sv->cgi_dirs[i], n) && path[n] == '/')
			best = n;
	}
	return best;
}

bool
cgi_is_script(const struct server *sv, const char *path)
{
	return cgi_dir_len(sv, path) > 0;
}

/* Walk down the CGI directory's sub-directories as far as they go; the next
 * component is the script, the rest PATH_INFO (Python's run_cgi). All of
 * it is opened beneath the CGI directory itself, so no symlink can lead
 * from it to a file elsewhere and have that run as a script. */
static enum status
locate(struct request *r, const struct server *sv, struct cgi *c)
{
	size_t cgilen = cgi_dir_len(sv, r->path), n;
	const char *start = r->path + cgilen + 1, *p = start;
	int fd;

	snprintf(c->script_name, sizeof(c->script_name), "%.*s", (int)cgilen, r->path);
	if ((c->cgifd = http_open_beneath(sv, c->script_name, O_PATH | O_DIRECTORY)) < 0) {
		http_set_msg(r, "No such CGI script ('%.200s')", r->path);
		return errno == EACCES ? S_FORBIDDEN : S_NOT_FOUND;
	}
	while (p[n = strcspn(p, "/")] == '/') {
		snprintf(c->rel, sizeof(c->rel), "%.*s", (int)(p + n - start), start);
		if ((fd = http_open_at(sv, c->cgifd, c->rel, O_PATH | O_DIRECTORY)) < 0)
			break;
		close(fd);
		p += n + 1;
	}
	n = strcspn(p, "/");
	snprintf(c->script_name, sizeof(c->script_name), "%.*s", (int)(p + n - r->path), r->path);
	snprintf(c->rel, sizeof(c->rel), "%.*s", (int)(p + n - start), start);
	snprintf(c->name, sizeof(c->name), "%.*s", (int)n, p);
	c->path_info = p + n;
	c->nph = !strncmp(p, "nph-", 4);
	if (n > NAME_MAX || (!sv->dotfiles && strstr(c->script_name, "/."))) {
		http_set_msg(r, "No such CGI script ('%.200s')", c->script_name);
		return S_NOT_FOUND;
	}
	c->rel[p - start] = '\0';	/* for a moment, the script's directory */
	c->dirfd = http_open_at(sv, c->cgifd, c->rel, O_PATH | O_DIRECTORY);
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
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
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
	if (n < 2 || buf[0] != '#' || buf[1] != '!') {
		http_set_msg(r, "CGI script is not in an executable format ('%.200s')",
		             c->script_name);
		return S_INTERNAL_ERROR;
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (strchr(buf, '\r')) {	/* the kernel would take the CR as part of a word */
		http_set_msg(r, "CGI script's #! line ends in CR ('%.200s')", c->script_name);
		return S_INTERNAL_ERROR;
	}
	interp = buf + 2 + strspn(buf + 2, " \t");
	arg = interp + strcspn(interp, " \t");
	if (*arg)
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	arg[strcspn(arg, " \t")] = '\0';
	base = strrchr(interp, '/') ? strrchr(interp, '/') + 1 : interp;
	if (!*interp || !runnable(c, interp) ||
	    (!strcmp(base, "env") && *arg && *arg != '-' && !strchr(arg, '=') &&
	     !on_path(sv, c, interp = arg))) {
		http_set_msg(r, "CGI script interpreter cannot be run ('%.200s')", interp);
		return S_INTERNAL_ERROR;
	}
	return S_NONE;
}

/* 404, 403 not a plain file, 403 not executable, 500 cannot start. The
 * script is opened beneath the root like any file, and what execve will
 * run ("./name" in its directory) must be that very file: a symlink that
 * leads out of the root is not a script here. */
static enum status
check_script(struct request *r, const struct server *sv, struct cgi *c)
{
	struct stat st, run;
	bool readable = true;
	enum status s;
	int fd = -1;

	/* opened once: to read, or, for an execute-only file, only to look at */
	if (c->name[0] &&
	    (fd = http_open_at(sv, c->cgifd, c->rel, O_RDONLY | O_NONBLOCK)) < 0 &&
	    errno == EACCES) {
		readable = false;
		fd = http_open_at(sv, c->cgifd, c->rel, O_PATH);
	}
	if (fd < 0 && c->name[0]) {
		http_set_msg(r, "No such CGI script ('%.200s')", c->script_name);
		return errno == EACCES ? S_FORBIDDEN : S_NOT_FOUND;
	}
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		http_set_msg(r, "CGI script is not a plain file ('%.200s')", c->script_name);
		s = S_FORBIDDEN;
	} else if (fstatat(c->dirfd, c->name, &run, 0) < 0 || run.st_dev != st.st_dev ||
	           run.st_ino != st.st_ino) {
		http_set_msg(r, "No such CGI script ('%.200s')", c->script_name);
		s = S_NOT_FOUND;
	} else if (faccessat(c->dirfd, c->name, X_OK, AT_EACCESS) < 0) {
		http_set_msg(r, "CGI script is not executable ('%.200s')", c->script_name);
		s = S_FORBIDDEN;
	} else {
		s = check_format(r, sv, c, fd, readable);
	}
	if (fd >= 0)
		close(fd);
	return s;
}

/* ---- the environment -------------------------------------------------------- */

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
		if (!strncmp(sv->extra_env[i], name, n) && sv->extra_env[i][n] == '=')
			return true;
	return false;
}

static void
env_add(struct env *e, const struct server *sv, const char *name, const char *value)
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

/* Request headers as HTTP_*: repeated fields merged; credentials, httpoxy,
 * the body's own fields and names that could spoof another variable left out. */
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
			env_cat(e, r->fields[j].value, strlen(r->fields[j].value));
		}
		env_cat(e, "", 1);
		e->n += !e->full;
	}
}

/* Whether cgiinetd's own variable NAME (n bytes) reaches scripts. */
static bool
passed_on(const char *name, size_t n)
{
	return (n == 2 && !strncmp(name, "TZ", 2)) || (n == 4 && !strncmp(name, "LANG", 4)) ||
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
			if (env_overridden(sv, *v, n) || !(*v)[n] || e->n + 1 >= e->cap)
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
	snprintf(buf, sizeof(buf), "%s", r->host && *r->host ? r->host : r->local_addr);
	if (r->host && *r->host)	/* drop the port, keep an IP-literal's brackets */
		buf[buf[0] == '[' ? strcspn(buf, "]") + 1 : strcspn(buf, ":")] = '\0';
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
	env_add(e, sv, "SCRIPT_FILENAME", buf);
	env_add(e, sv, "PATH_INFO", c->path_info);
	snprintf(buf, sizeof(buf), "%s%s", root, c->path_info);
	env_add(e, sv, "PATH_TRANSLATED", *c->path_info ? buf : NULL);
	env_add(e, sv, "QUERY_STRING", r->query ? r->query : "");
	env_add(e, sv, "DOCUMENT_ROOT", sv->docroot_abs);
	env_add(e, sv, "REMOTE_ADDR", r->peer_addr);
	env_add(e, sv, "REMOTE_PORT", r->peer_port);
	env_add(e, sv, "REMOTE_HOST", r->peer_addr);
	env_add(e, sv, "REDIRECT_STATUS", "200");	/* php-cgi's force_redirect */
	env_add(e, sv, "CONTENT_TYPE", r->redirected ? NULL : http_field(r, "Content-Type"));
	snprintf(buf, sizeof(buf), "%lld", (long long)r->content_length);
	env_add(e, sv, "CONTENT_LENGTH", r->content_length >= 0 ? buf : NULL);
	if (auth) {
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(auth, " \t"), auth);
		env_add(e, sv, "AUTH_TYPE", buf);
	}
}

/* argv and the environment are built in one static arena, not by malloc:
 * the process execs or exits right after, with nothing to give back, and
 * only the pages written are ever touched. The worst case: the variables'
 * text (make_env's size, under 230 KB), their pointers (a few hundred, and
 * one for each TZ, LANG or LC_* cgiinetd itself was given), a query of
 * single-letter words as argv (4 K of them: 32 KB of pointers) and its
 * copy. */
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
	    !(e.buf = arena_take(e.size))) {
		http_set_msg(r, "CGI environment too large");
		return S_INTERNAL_ERROR;
	}
	for (size_t i = 0; i < sv->nextra_env; i++)
		e.vars[e.n++] = (char *)(uintptr_t)sv->extra_env[i];
	env_request(&e, sv, r, c);
	env_headers(&e, sv, r);
	env_inherited(&e, sv);
	if (e.full) {
		http_set_msg(r, "CGI environment too large");
		return S_INTERNAL_ERROR;
	}
	e.vars[e.n] = NULL;
	return S_NONE;
}

/* ---- argv ------------------------------------------------------------------ */

/* Percent-decode a search word; false if it cannot be represented. */
static bool
decode_word(char *w)
{
	char *out = w;

	for (; *w; w++) {
		if (*w == '%') {
			int hi = http_hexval((unsigned char)w[1]), lo;
			if (hi < 0 || (lo = http_hexval((unsigned char)w[2])) < 0 ||
			    (hi == 0 && lo == 0))
				return false;
			*out++ = (char)(hi * 16 + lo);
			w += 2;
		} else {
			*out++ = *w;
		}
	}
	*out = '\0';
	return true;
}

/* RFC 3875 4.4: a GET or HEAD whose query has no unencoded '=' is a search
 * string: its '+'-separated words, decoded, are the arguments, unless one
 * would look like an option or cannot be represented; then there are none. */
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
	if (words == 1 && !(r->query && *r->query && !strchr(r->query, '=') &&
	                    (r->method == M_GET || r->method == M_HEAD)))
		return S_NONE;
	if (!(q = arena_take(strlen(r->query) + 1)))
		return S_INTERNAL_ERROR;
	strcpy(q, r->query);
	for (char *w = strtok_r(q, "+", &save); w; w = strtok_r(NULL, "+", &save)) {
		if (!decode_word(w) || w[0] == '-') {
			c->argv[1] = NULL;
			return S_NONE;
		}
		c->argv[n++] = w;
	}
	c->argv[n] = NULL;
	return S_NONE;
}

/* ---- the request body -------------------------------------------------------- */

/* A buffered reader of fd 0 for a chunked body: here the body is ours to
 * consume. Each wait is bounded by --timeout, the whole by --cgi-timeout. */
struct reader {
	int timeout;
	long long deadline;	/* ms on the monotonic clock, 0: none */
	size_t pos, len;
	char buf[16384];
};

static enum status
rd_fill(struct reader *rd)
{
	while (rd->pos == rd->len) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		long long wait = rd->timeout * 1000LL, left;
		ssize_t n;

		if (rd->deadline && (left = rd->deadline - http_now_ms()) < wait)
			wait = left > 0 ? left : 0;
		if ((n = poll(&p, 1, (int)wait)) == 0)
			return S_REQUEST_TIMEOUT;
		if (n > 0)
			n = read(0, rd->buf, sizeof(rd->buf));
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
		if (n + 1 >= cap)
			return S_BAD_REQUEST;
		line[n++] = c;
	}
	if (n == 0 || line[n - 1] != '\r')
		return S_BAD_REQUEST;
	line[n - 1] = '\0';
	return S_NONE;
}

static enum status
rd_copy(struct reader *rd, off_t n, int out)
{
	enum status s;

	while (n > 0) {
		size_t k;
		if ((s = rd_fill(rd)))
			return s;
		k = rd->len - rd->pos < (size_t)n ? rd->len - rd->pos : (size_t)n;
		if (http_write_all(out, rd->buf + rd->pos, k) < 0)
			return S_INTERNAL_ERROR;
		rd->pos += k;
		n -= (off_t)k;
	}
	return S_NONE;
}

/* chunk-size [ chunk-ext ] CRLF: 1 to 15 hex digits; extensions ignored. */
static enum status
chunk_size(const char *line, off_t *size)
{
	size_t n = strspn(line, "0123456789abcdefABCDEF");

	if (n == 0 || n > 15 || (line[n] && line[n] != ';' && line[n] != ' ' &&
	                         line[n] != '\t'))
		return S_BAD_REQUEST;
	*size = (off_t)strtoll(line, NULL, 16);
	return S_NONE;
}

/* De-chunk the body into an anonymous file, at most --max-body bytes; it
 * becomes the script's stdin, with the exact CONTENT_LENGTH, so the script
 * is still exec'd in place (git push works through git-http-backend). */
static enum status
spool_chunked(struct request *r, const struct server *sv, int fd)
{
	struct reader rd;
	char line[1024];
	off_t size, total = 0;
	size_t trailer = 0;
	enum status s;

	rd = (struct reader){ .timeout = sv->timeout, .deadline = r->deadline };
	for (;;) {
		if ((s = rd_line(&rd, line, sizeof(line))) || (s = chunk_size(line, &size)))
			return s;
		if (size == 0)
			break;
		if (size > sv->max_body - total)
			return S_CONTENT_TOO_LARGE;
		if ((s = rd_copy(&rd, size, fd)) || (s = rd_line(&rd, line, 2)))
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
	return S_NONE;
}

/* An anonymous file for the body: on disk where there is one to hold up
 * to --max-body, else in memory (in a chroot without /tmp, say). */
static int
spool_file(void)
{
	static const char *const dirs[] = { "/var/tmp", "/tmp" };
	int fd;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if ((fd = open(dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
			return fd;
	return memfd_create("cgiinetd-body", MFD_CLOEXEC);
}

static enum status
read_body(struct request *r, const struct server *sv)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	enum status s;
	int fd;

	if (r->expect_continue && http_send(r, cont, sizeof(cont) - 1, false) < 0)
		return S_CLOSED;
	if (!r->chunked)
		return S_NONE;
	if ((fd = spool_file()) < 0)
		return S_INTERNAL_ERROR;
	if (!(s = spool_chunked(r, sv, fd)) &&
	    (lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, 0) < 0))
		s = S_INTERNAL_ERROR;
	close(fd);
	return s;
}

/* ---- running it -------------------------------------------------------------- */

/* Nothing found, nothing allocated; field by field, not 16 KB of zeroes. */
static void
cgi_init(struct cgi *c)
{
	c->cgifd = c->dirfd = -1;
	c->path_info = "";
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
	if (sv->cgi_timeout && !r->deadline)	/* one budget: body, script, redirects */
		r->deadline = http_now_ms() + sv->cgi_timeout * 1000LL;
	if ((s = locate(r, sv, c)) || (s = check_script(r, sv, c)) ||
	    (s = read_body(r, sv)) || (s = make_argv(r, c)) ||
	    (s = make_env(r, sv, c)))
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
	cgi_init(c);
}

/* The script's alarm: what is left of the request's --cgi-timeout. */
static unsigned
alarm_left(const struct request *r)
{
	long long left = r->deadline - http_now_ms();

	return !r->deadline ? 0 : left < 1000 ? 1 : (unsigned)((left + 999) / 1000);
}

/* The exec contract: fds 0/1 the connection, 2 the log or what it was,
 * nothing else open; signals default and unblocked; cwd the script's
 * directory; the alarm armed (it survives execve). */
static void
exec_setup(const struct server *sv, const struct cgi *c, unsigned alarm_secs)
{
	/* Through the system calls: glibc's wrappers will not touch signals 32
	 * and 33, its own, which a launcher may still have left ignored. An
	 * all-zero kernel sigaction is SIG_DFL with no flags on every ABI. */
	static const unsigned long zero[16];
	const size_t setsize = 8;	/* the kernel's sigset: 64 signals */

	if (sv->log == LOG_TO_FILE)
		dup2(sv->logfd, 2);
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, zero, NULL, setsize);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, zero, NULL, setsize);
	if (fchdir(c->dirfd) < 0)
		_exit(3);
	/* close-on-exec, not closed: still usable if execve fails */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {	/* before Linux 5.11 */
		struct rlimit rl;
		int max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (1 << 20) ?
		          (int)rl.rlim_cur : 1 << 20;
		for (int fd = 3; fd < max; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	alarm(alarm_secs);
}

/* The end of a script's head in b[0..len): just past its blank line, or 0. */
static size_t
head_end(const char *b, size_t len)
{
	for (const char *p = b; (p = memchr(p, '\n', (size_t)(b + len - p))); p++) {
		if (p + 1 < b + len && p[1] == '\n')
			return (size_t)(p - b) + 2;
		if (p + 2 < b + len && p[1] == '\r' && p[2] == '\n')
			return (size_t)(p - b) + 3;
	}
	return 0;
}

/* Whether the process behind pidfd ends within ms (-1: waiting for it). */
static bool
exits_within(int pidfd, long long ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	while ((n = poll(&p, 1, ms < 0 ? -1 : ms > INT_MAX ? INT_MAX : (int)ms)) < 0 &&
	       errno == EINTR)
		;
	return n > 0;
}

/* Reap the script, waiting until the deadline (0: none; 1: long past);
 * past it, SIGTERM to its whole process group, SIGKILL 2 s later. Either
 * way whatever is left of its group is killed before the leader is reaped
 * (its zombie holds the group's id till then): nothing is left behind. */
static int
reap(pid_t pid, long long deadline)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), st = 0;
	long long left = deadline ? deadline - http_now_ms() : -1;

	if (pidfd < 0 || deadline == 1 || !exits_within(pidfd, deadline && left < 0 ? 0 : left)) {
		kill(-pid, SIGTERM);
		if (pidfd >= 0)
			exits_within(pidfd, 2000);
	}
	kill(-pid, SIGKILL);
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* One read of the script's output, waiting until the deadline at most:
 * the bytes read, 0 at EOF, -1 past the deadline or on an error. */
static ssize_t
read_by(int fd, char *buf, size_t cap, long long deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline ? deadline - http_now_ms() : -1;
		ssize_t n;
		int ready;

		if (deadline && left <= 0)
			return -1;
		ready = poll(&p, 1, deadline ? (int)left : -1);
		if (ready == 0 || (ready < 0 && errno == EINTR))
			continue;
		if (ready < 0)
			return -1;
		if ((n = read(fd, buf, cap)) >= 0 || errno != EINTR)
			return n;
	}
}

/* Start the script with its stdout a pipe, in a process group of its own
 * (so that a timeout can end all of it): its pid, the pipe's end in *out. */
static pid_t
spawn(const struct request *r, const struct server *sv, const struct cgi *c,
      const char *path, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		setpgid(0, 0);
		dup2(p[1], 1);
		exec_setup(sv, c, alarm_left(r));
		execve(path, c->argv, c->envp);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	setpgid(pid, pid);	/* as the child does: whichever runs first */
	*out = p[0];
	return pid;
}

static int
exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read the script's output until its head is complete: the head's length,
 * 0 if the output ended first or outgrew buf; *len is what was read, *n the
 * last read (-1 past the deadline). */
static size_t
read_head(int fd, char *buf, size_t cap, size_t *len, ssize_t *n, long long deadline)
{
	size_t end = 0;

	*len = 0;
	/* in steps of a page: the body behind the head is the kernel's to move */
	while (!end && *len < cap && (*n = read_by(fd, buf + *len,
	       cap - *len < 4096 ? cap - *len : 4096, deadline)) > 0)
		end = head_end(buf, *len += (size_t)*n);
	return end;
}

/* HEAD in direct mode, the one case that forks there: the script's head
 * goes to the client as written, its body nowhere (RFC 3875 4.3.3). Exits
 * with the script's status. */
static noreturn void
relay_head(const struct request *r, const struct server *sv, const struct cgi *c,
           const char *path)
{
	static char buf[HEAD_MAX];
	size_t len, end;
	ssize_t n = 0;
	int fd;
	pid_t pid = spawn(r, sv, c, path, &fd);

	if (pid < 0)
		_exit(3);
	end = read_head(fd, buf, sizeof(buf), &len, &n, r->deadline);
	if (end)	/* the head alone; with none, just end ours */
		(void)http_send(r, buf, end, false);
	else
		(void)http_send(r, "\r\n", 2, false);
	while (n > 0)		/* the body, discarded */
		n = read_by(fd, buf, sizeof(buf), r->deadline);
	_exit(exit_status(reap(pid, n < 0 ? 1 : r->deadline)));
}

/* ---- parsed-header mode (-P) -------------------------------------------------- */

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
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return rp->status >= 200 && rp->status <= 599;
}

/* One "name: value" line of the script's head into rp; false if invalid. */
static bool
reply_field(char *line, struct reply *rp)
{
	static const char *const ours[] = { "Server", "Date", "Connection" };
	char *colon = strchr(line, ':'), *v, *e;

	if (!colon)
		return false;
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (!http_is_token(line))
		return false;
	for (const char *p = v; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;	/* RFC 9110 5.5 */
	if (!strcasecmp(line, "Status"))
		return !rp->status && parse_status(v, rp);
	if (!strcasecmp(line, "Transfer-Encoding"))
		return true;	/* the body is ours to frame: by the close */
	if (!strcasecmp(line, "Content-Length")) {
		if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 18 ||
		    (rp->length && strcmp(rp->length, v)))
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
	rp->fields[rp->nfields++] = (struct field){ line, v };
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
	return rp->location && rp->location[0] == '/' && rp->location[1] != '/' &&
	       !rp->status && rp->nfields == 1;
}

static enum status
send_reply(struct request *r, const struct reply *rp)
{
	struct head *h = &r->out;
	int status = rp->status ? rp->status : rp->location ? S_FOUND : S_OK;

	http_head_begin(h, r, status, rp->status && *rp->reason ? rp->reason : NULL);
	for (size_t i = 0; i < rp->nfields; i++)
		http_head_add(h, "%s: %s\r\n", rp->fields[i].name, rp->fields[i].value);
	http_head_add(h, "Connection: close\r\n");
	if (http_head_send(r, h, r->method != M_HEAD) < 0)
		return S_CLOSED;
	return S_NONE;
}

/* Move the body pipe -> client in the kernel (splice), until the script's
 * output ends, the client goes, or the deadline passes (the alarm's EINTR). */
static ssize_t
splice_body(struct request *r, int from, long long deadline)
{
	ssize_t n;

	for (;;) {
		if (deadline && http_now_ms() >= deadline)
			return -1;
		n = splice(from, NULL, 1, NULL, 1 << 20, SPLICE_F_MOVE | SPLICE_F_MORE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		r->body_sent += n;
	}
}

static void
on_alarm(int sig)
{
	(void)sig;	/* only to interrupt a blocking splice */
}

/* A local redirect's target, kept for routing to start over with. */
static enum status
local_redirect(struct request *r, const char *location)
{
	if (strlen(location) >= sizeof(r->redirect))
		return S_BAD_GATEWAY;
	for (const char *p = location; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return S_BAD_GATEWAY;
	strcpy(r->redirect, location);
	return S_LOCAL_REDIRECT;
}

/* -P: the script writes into a pipe; its head is read and checked, a proper
 * head written in its stead, its body spliced to the client. Returns the
 * status sent, an error not yet sent (502, 504), or S_LOCAL_REDIRECT. */
enum status
cgi_parsed(struct request *r, const struct server *sv, struct cgi *c)
{
	static char buf[HEAD_MAX];
	static struct reply rp;
	struct sigaction alarm_action = { .sa_handler = on_alarm };
	struct timeval idle = { .tv_sec = sv->timeout };
	char path[NAME_MAX + 3];
	size_t len, end;
	ssize_t n = 0;
	enum status s;
	int fd, st;
	pid_t pid;

	snprintf(path, sizeof(path), "./%s", c->name);
	if ((pid = spawn(r, sv, c, path, &fd)) < 0)
		return S_INTERNAL_ERROR;
	sigaction(SIGALRM, &alarm_action, NULL);
	alarm(alarm_left(r));
	if (r->out_sock)	/* a client that takes nothing for --timeout is gone */
		setsockopt(1, SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof(idle));
	end = read_head(fd, buf, sizeof(buf), &len, &n, r->deadline);
	s = n < 0 ? S_GATEWAY_TIMEOUT : !end ? S_BAD_GATEWAY : parse_reply(buf, end, &rp);
	if (!s && is_local_redirect(&rp))
		s = local_redirect(r, rp.location);
	else if (!s && !(s = send_reply(r, &rp)) && r->method != M_HEAD &&
	         r->status != 204 && r->status != 304) {
		if (len > end && http_send(r, buf + end, len - end, false) == 0)
			r->body_sent = (off_t)(len - end);
		n = splice_body(r, fd, r->deadline);
	}
	if (s && s != S_LOCAL_REDIRECT)
		n = -1;		/* a 502, or the client gone: end the script now */
	while (n > 0)		/* what is left: a HEAD's (204's, 304's) body, a redirect's */
		n = read_by(fd, buf, sizeof(buf), r->deadline);
	close(fd);
	st = reap(pid, n < 0 ? 1 : r->deadline);
	alarm(0);
	r->script_exit = exit_status(st);
	return s ? s : (enum status)r->status;
}

/* Write the status line (none for nph-), then become the script: no fork.
 * Returns only if execve failed. */
enum status
cgi_exec(struct request *r, const struct server *sv, struct cgi *c)
{
	char path[NAME_MAX + 3];
	struct head *h = &r->out;

	if (!c->nph) {
		/* an open head: the script writes the rest of it */
		http_head_begin(h, r, S_OK, "Script output follows");
		http_head_add(h, "Connection: close\r\n");
		if (!r->http09 && http_send(r, h->buf, h->len, false) < 0)
			return S_CLOSED;
	}
	snprintf(path, sizeof(path), "./%s", c->name);
	if (r->method == M_HEAD && !c->nph)
		relay_head(r, sv, c, path);	/* the one fork of direct mode */
	exec_setup(sv, c, alarm_left(r));
	execve(path, c->argv, c->envp);
	http_set_msg(r, "exec failed: %s", strerror(errno));
	return S_INTERNAL_ERROR;
}
