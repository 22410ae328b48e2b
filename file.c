/*
 * file.c: static files. The confinement policy for their paths (dot-files,
 * CGI directories, where a symlink really leads), MIME types, conditional
 * requests, ranges, precompressed siblings, directory listings. Every byte
 * goes out through http.c.
 *
 * Implemented: RFC 9110 8.8.3 (ETag), 13.1.1-13.1.4 and 13.2.2 (If-Match or
 * else If-Unmodified-Since, then If-None-Match or else If-Modified-Since),
 * 14 (single byte ranges; a multi-range request gets the whole file),
 * 12.5.3 (Accept-Encoding: a precompressed .gz sibling).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgi.h"
#include "file.h"
#include "http.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const index_names[] = { "index.html", "index.htm" };

/* Extension to type: the system's mime.types, compiled into mime.h by make
 * (mime_names: "ext\0type\0" pairs; mime_system: their offsets, sorted by
 * extension); then this table, for what it lacks. */
#include "mime.h"
static const struct {
	const char *ext, *type;
} mime_fallback[] = {
	{ "html", "text/html" },
	{ "htm", "text/html" },
	{ "txt", "text/plain" },
	{ "css", "text/css" },
	{ "js", "text/javascript" },
	{ "mjs", "text/javascript" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "pdf", "application/pdf" },
	{ "wasm", "application/wasm" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
	{ "mp3", "audio/mpeg" },
	{ "ogg", "audio/ogg" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "gz", "application/gzip" },
	{ "zip", "application/zip" },
	{ "tar", "application/x-tar" },
};

/* ---- static files -------------------------------------------------------- */

static enum status
errno_status(struct request *r)
{
	switch (errno) {
	case EACCES:
	case EPERM:
		return S_FORBIDDEN;
	case ENOENT:
	case ENOTDIR:
	case ELOOP:
	case EXDEV:		/* RESOLVE_BENEATH: it would leave the root */
	case ENAMETOOLONG:
	case ENXIO:		/* a FIFO with no writer, a socket */
		return http_fail(r, S_NOT_FOUND, "File not found");
	default:
		return S_INTERNAL_ERROR;
	}
}

/* Dot-files stay hidden (a .git/ must not leak), but for /.well-known/. */
static bool
is_hidden(const struct server *sv, const char *path)
{
	if (sv->dotfiles)
		return false;
	if (!strncmp(path, "/.well-known", 12) &&
	    (!path[12] || path[12] == '/'))
		path += 12;
	return strstr(path, "/.") != NULL;
}

/* Whether a directory on the way to path is a CGI directory under another
 * name (a symlink, a case-folding file system): then path is a script's
 * source, never to be served. Compared by device and inode. */
static bool
under_cgi_dir(const struct server *sv, const char *path)
{
	struct stat cgi[CGI_DIRS_MAX], st;
	size_t ncgi = 0;
	char prefix[REQ_LINE_MAX + 2];

	for (const char *slash = strchr(path + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		int fd;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash - path),
		         path);
		/* the CGI directories, looked up when first needed */
		if (ncgi == 0)
			for (size_t i = 0; i < sv->ncgi_dirs; i++)
				if ((fd = open_root(sv, sv->cgi_dirs[i],
				                    O_PATH)) >= 0) {
					if (fstat(fd, &cgi[ncgi]) == 0)
						ncgi++;
					close(fd);
				}
		if (ncgi == 0)
			return false;
		if ((fd = open_root(sv, prefix, O_PATH | O_DIRECTORY)) < 0)
			return false;
		if (fstat(fd, &st) < 0)
			st.st_ino = 0;
		close(fd);
		for (size_t i = 0; i < ncgi; i++)
			if (st.st_dev == cgi[i].st_dev &&
			    st.st_ino == cgi[i].st_ino)
				return true;
	}
	return false;
}

/* Whether the last component of path is a --cgi-ext script's name: its
 * source is never served. */
static bool
is_ext_script(const struct server *sv, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	return cgi_ext_of(sv, base, strlen(base)) != NULL;
}

/* Where an opened file really is, as a path beneath the root, from the
 * kernel's own record of it; false when that cannot be had (no /proc, as
 * in a chroot) or it lies outside the root (--follow-symlinks). */
static bool
real_path(const struct server *sv, int fd, char *out, size_t cap)
{
	char link[32], buf[PATH_MAX];
	size_t n = strcmp(sv->docroot_abs, "/") ? strlen(sv->docroot_abs) : 0;
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((len = readlink(link, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[len] = '\0';
	if (buf[0] != '/' || strncmp(buf, sv->docroot_abs, n) ||
	    (buf[n] && buf[n] != '/'))
		return false;
	snprintf(out, cap, "%s", buf[n] ? buf + n : "/");
	return true;
}

static int open_in_checked(const struct server *sv, const char *path,
                           int flags);

/* Open a path to be served as a file or a listing. Neither its spelling
 * nor, through symlinks, where it really leads may be a dot-file or lie
 * under a CGI directory (a script's source): a symlinked path is judged by
 * the kernel's record of the opened file, and refused if that is not to be
 * had. errno ENOENT for a refusal. */
static int
open_static(const struct server *sv, const char *path, int flags)
{
	if (is_hidden(sv, path) || under_cgi_dir(sv, path) ||
	    is_ext_script(sv, path))
		return errno = ENOENT, -1;
	return open_in_checked(sv, path, flags);
}

/* open_in_checked's path through a symlink: judged by where it leads.
 * perf: apart, so that its buffers are not on the stack of every request
 * (with the request's layout: a small file's page faults 21-23 to 19-20,
 * 08941ca). */
static int __attribute__((noinline))
open_through_symlinks(const struct server *sv, const char *path, int flags)
{
	char real[PATH_MAX];
	int fd;

	if ((fd = open_root(sv, path, flags)) < 0)
		return -1;
	if (real_path(sv, fd, real, sizeof(real)) ?
	    !is_hidden(sv, real) && !under_cgi_dir(sv, real) &&
	    !is_ext_script(sv, real) : sv->follow_symlinks)
		return fd;
	close(fd);
	return errno = ENOENT, -1;
}

/* As open_static, for a name in a directory whose path was just checked
 * (an index file, a .gz sibling): only where a symlink leads is left. */
static int
open_in_checked(const struct server *sv, const char *path, int flags)
{
	int fd = open_beneath(sv, sv->rootfd, path, flags, RESOLVE_NO_SYMLINKS);

	if (fd >= 0 || errno != ELOOP)
		return fd;
	return open_through_symlinks(sv, path, flags);
}

static int
mime_cmp(const void *ext, const void *offset)
{
	return strcmp(ext, mime_names + *(const unsigned *)offset);
}

/* The system's type for ext, or NULL. */
static const char *
mime_system_type(const char *ext)
{
	const unsigned *o = bsearch(ext, mime_system, LEN(mime_system) - 1,
	                            sizeof(*o), mime_cmp);

	return o ? mime_names + *o + strlen(ext) + 1 : NULL;
}

/* SimpleHTTPRequestHandler.extensions_map: what Python says for these
 * whatever mime.types does (a .bz2 is no octet-stream there), the name's
 * own case first, then lowered (so ".z" is not ".Z"). */
static const char *
python_type(const char *ext)
{
	static const struct {
		const char *ext, *type;
	} map[] = {
		{ "gz", "application/gzip" },
		{ "Z", "application/octet-stream" },
		{ "bz2", "application/x-bzip2" },
		{ "xz", "application/x-xz" },
	};

	for (size_t i = 0; i < LEN(map); i++)
		if (!strcmp(ext, map[i].ext))
			return map[i].type;
	return NULL;
}

/* The type of a file name by its last extension, as Python's guess_type:
 * the extension as spelt, then in lower case; else octet-stream. */
static const char *
mime_type(const char *name)
{
	const char *base = strrchr(name, '/'), *ext, *type;
	char lower[32];
	size_t i;

	base = base ? base + 1 : name;
	ext = strrchr(base, '.');
	if (!ext || ext == base || strlen(++ext) >= sizeof(lower))
		return "application/octet-stream";
	for (i = 0; ext[i]; i++)
		lower[i] = (char)tolower((unsigned char)ext[i]);
	lower[i] = '\0';
	if ((type = python_type(ext)) || (type = python_type(lower)) ||
	    (type = mime_system_type(ext)) || (type = mime_system_type(lower)))
		return type;
	for (i = 0; i < LEN(mime_fallback); i++)
		if (!strcmp(lower, mime_fallback[i].ext))
			return mime_fallback[i].type;
	return "application/octet-stream";
}

/* What is sent for a file: the file itself or its precompressed sibling. */
struct rep {
	int fd;
	struct stat st;
	bool gzip;		/* the sibling: Content-Encoding: gzip */
	/* there is one: the answer varies by Accept-Encoding */
	bool vary;
	char etag[64];
	char modified[30];
};

/* A q-value of zero: "0", "0.", "0.0" ... (RFC 9110 12.4.2). */
static bool
q_is_zero(const char *params)
{
	const char *q = params;

	while ((q = strchr(q, ';'))) {
		q += 1 + strspn(q + 1, " \t");
		if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
			size_t n = 3;

			if (q[2] == '0' && q[3] == '.')
				n = 4 + strspn(q + 4, "0");
			return q[2] == '0' &&
			       strspn(q + n, " \t") == strlen(q + n);
		}
	}
	return false;
}

/* One Accept-Encoding line: what it says of gzip (or x-gzip) and of "*",
 * 1 allowed, 0 refused (q=0); a later element overrides an earlier. */
static void
gzip_in(const char *ae, int *gzip, int *star)
{
	char list[HDR_LINE_MAX + 1], *save = NULL;

	snprintf(list, sizeof(list), "%s", ae);
	for (char *el = strtok_r(list, ",", &save); el;
	     el = strtok_r(NULL, ",", &save)) {
		size_t n;
		el += strspn(el, " \t");
		n = strcspn(el, " \t;");
		if ((n == 4 && !strncasecmp(el, "gzip", 4)) ||
		    (n == 6 && !strncasecmp(el, "x-gzip", 6)))
			*gzip = !q_is_zero(el + n);
		else if (n == 1 && el[0] == '*')
			*star = !q_is_zero(el + n);
	}
}

/* Accept-Encoding, over all its field lines (one list, RFC 9110 5.3),
 * allows gzip: named with q above 0, or not named and "*" allowed
 * (12.5.3). */
static bool
accepts_gzip(const struct request *r)
{
	int gzip = -1, star = 0;

	for (size_t i = 0; i < r->nfields; i++)
		if (!strcasecmp(r->fields[i].name, "Accept-Encoding"))
			gzip_in(r->fields[i].value, &gzip, &star);
	return gzip >= 0 ? gzip : star;
}

/* name.gz beside the file, if there is one: sent instead when the client
 * takes gzip; either way the answer then varies by Accept-Encoding. */
static void
pick_gzip(const struct request *r, const struct server *sv, const char *name,
          struct rep *p)
{
	char gz[PATH_MAX];	/* no longer path could be opened */
	struct stat st;
	size_t n = strlen(name);
	int fd;

	if ((n > 3 && !strcmp(name + n - 3, ".gz")) ||
	    snprintf(gz, sizeof(gz), "%s.gz", name) >= (int)sizeof(gz) ||
	    (fd = open_in_checked(sv, gz, O_RDONLY | O_NONBLOCK)) < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	p->vary = true;
	if (!accepts_gzip(r)) {
		close(fd);
		return;
	}
	p->fd = fd;
	p->st = st;
	p->gzip = true;
}

/* Is the tag in this entity-tag list, or is the list "*"? Compared
 * strongly (If-Match, RFC 9110 8.8.3.2), a weak W/ tag never matches;
 * weakly (If-None-Match), W/ is ignored. With no tag (a listing has
 * none), only "*" matches. */
static bool
etag_in(const char *list, const char *etag, bool strong)
{
	size_t n = etag ? strlen(etag) : 0;

	for (const char *p = list; *p;) {
		bool weak;

		p += strspn(p, " \t,");
		if (*p == '*')
			return true;
		if ((weak = !strncmp(p, "W/", 2)))
			p += 2;
		if (etag && !strncmp(p, etag, n) &&
		    (!p[n] || strchr(" \t,", p[n])) && !(weak && strong))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

/* The same, over every field line of that name: several lines are one
 * comma-joined list (RFC 9110 5.3). */
static bool
etag_listed(const struct request *r, const char *name, const char *etag,
            bool strong)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcasecmp(r->fields[i].name, name) &&
		    etag_in(r->fields[i].value, etag, strong))
			return true;
	return false;
}

/* An HTTP-date in any of its three forms (RFC 9110 5.6.7), as *t. */
static bool
parse_date(const char *s, time_t *t)
{
	static const char *const forms[] = { "%a, %d %b %Y %H:%M:%S GMT",
	                                     "%A, %d-%b-%y %H:%M:%S GMT",
	                                     "%a %b %e %H:%M:%S %Y" };

	for (size_t i = 0; s && i < LEN(forms); i++) {
		struct tm tm = { 0 };
		const char *e = strptime(s, forms[i], &tm);
		if (e && !*e) {
			*t = timegm(&tm);
			return true;
		}
	}
	return false;
}

/* 412? If-Match that lists neither "*" nor the current tag, strongly
 * compared (RFC 9110 13.1.1); without one, If-Unmodified-Since older than
 * the last change (13.1.4: ignored when not a date, or with no mtime, as
 * for a listing). Evaluated first (13.2.2). */
static bool
precondition_failed(const struct request *r, const char *etag,
                    const time_t *mtime)
{
	time_t since;

	if (http_field(r, "If-Match"))
		return !etag_listed(r, "If-Match", etag, true);
	return mtime &&
	       parse_date(http_field(r, "If-Unmodified-Since"), &since) &&
	       *mtime > since;
}

/* 304? If-None-Match when there is one, else If-Modified-Since in any of
 * the three date forms (RFC 9110 13.2.2, 13.1.3). */
static bool
not_modified(const struct request *r, const struct rep *p)
{
	time_t since;

	if (http_field(r, "If-None-Match"))
		return etag_listed(r, "If-None-Match", p->etag, false);
	return parse_date(http_field(r, "If-Modified-Since"), &since) &&
	       p->st.st_mtime <= since;
}

/* Digits to an offset, saturating; false if there are none. */
static bool
range_pos(const char **s, off_t *v)
{
	size_t n = strspn(*s, "0123456789");

	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v = *v > (INT64_MAX - 9) / 10 ? INT64_MAX
		                               : *v * 10 + ((*s)[i] - '0');
	*s += n;
	return n > 0;
}

/* What a Range asks of a file (RFC 9110 14.1.2, 14.2): the whole file
 * (no Range, a HEAD, several ranges, one not understood, an If-Range that
 * no longer holds), one part [*first, *last], or nothing it has (416). */
enum range { RANGE_WHOLE, RANGE_PART, RANGE_UNSATISFIABLE };

static enum range
byte_range(const struct request *r, const struct rep *p, off_t *first,
           off_t *last)
{
	const char *range = http_field(r, "Range"),
	           *ifr = http_field(r, "If-Range");
	off_t size = p->st.st_size, a, b;
	bool has_a, has_b;

	if (!range || r->method != M_GET || strncasecmp(range, "bytes=", 6) ||
	    strchr(range, ',') ||
	    (ifr && strcmp(ifr, p->etag) && strcmp(ifr, p->modified)))
		return RANGE_WHOLE;
	range += 6;
	has_a = range_pos(&range, &a);
	if (*range++ != '-')
		return RANGE_WHOLE;
	has_b = range_pos(&range, &b);
	if (*range || (!has_a && !has_b) || (has_a && has_b && b < a))
		return RANGE_WHOLE;
	if (!has_a) {		/* the last b bytes */
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = b < size ? size - b : 0;
		*last = size - 1;
		return RANGE_PART;
	}
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	*first = a;
	*last = has_b && b < size ? b : size - 1;
	return RANGE_PART;
}

static enum status
send_not_modified(struct request *r, const struct rep *p)
{
	struct resp_head *h = &r->resp;

	http_head_begin(h, r, S_NOT_MODIFIED, NULL);
	http_head_add(h, "ETag: %s\r\n%sConnection: close\r\n", p->etag,
	              p->vary ? "Vary: Accept-Encoding\r\n" : "");
	http_head_send(r, h, false);
	return S_NONE;
}

/* The head of a 200 or 206 for a file. */
static void
file_head(struct resp_head *h, struct request *r, const struct rep *p,
          const char *type, enum range range, off_t first, off_t last)
{
	char len[24];

	http_head_begin(h, r, range == RANGE_PART ? S_PARTIAL_CONTENT : S_OK,
	                NULL);
	http_head_cat(
	        h, "Content-Type: ", type, "\r\n",
	        p->gzip ? "Content-Encoding: gzip\r\n" : "", "Content-Length: ",
	        decimal(len, (unsigned long long)(last - first + 1)), "\r\n");
	if (range == RANGE_PART)
		http_head_add(h, "Content-Range: bytes %lld-%lld/%lld\r\n",
		              (long long)first, (long long)last,
		              (long long)p->st.st_size);
	http_head_cat(h, "Last-Modified: ", p->modified, "\r\nETag: ", p->etag,
	              "\r\nAccept-Ranges: bytes\r\n",
	              p->vary ? "Vary: Accept-Encoding\r\n" : "",
	              "Connection: close\r\n");
}

/* "inode-size-mtime" in hex: changes whenever the file is replaced or
 * written (to the nanosecond). */
static void
etag(char out[64], const struct stat *st)
{
	char *p = out;

	*p++ = '"';
	p = put_number(p, (unsigned long long)st->st_ino, 16, 1);
	*p++ = '-';
	p = put_number(p, (unsigned long long)st->st_size, 16, 1);
	*p++ = '-';
	p = put_number(p,
	               (unsigned long long)st->st_mtim.tv_sec * 1000000000ULL +
	                       (unsigned long long)st->st_mtim.tv_nsec,
	               16, 1);
	memcpy(p, "\"", 2);
}

/* A regular file: conditionals, a range, then the bytes by sendfile. */
static enum status
send_file(struct request *r, const struct server *sv, int fd,
          const struct stat *st, const char *name)
{
	struct rep p = { .fd = fd, .st = *st };
	off_t first = 0, last = st->st_size - 1, len;
	enum range range;
	enum status s;
	struct resp_head *h = &r->resp;

	pick_gzip(r, sv, name, &p);
	etag(p.etag, &p.st);
	http_date(p.st.st_mtime, p.modified);
	range = byte_range(r, &p, &first, &last);
	if (precondition_failed(r, p.etag, &p.st.st_mtime)) {
		s = S_PRECONDITION_FAILED;
	} else if (not_modified(r, &p)) {
		s = send_not_modified(r, &p);
	} else if (range == RANGE_UNSATISFIABLE) {
		snprintf(r->extra_header, sizeof(r->extra_header),
		         "Content-Range: bytes */%lld\r\n",
		         (long long)p.st.st_size);
		s = S_RANGE_NOT_SATISFIABLE;
	} else {
		if (range == RANGE_WHOLE) {
			first = 0;
			last = p.st.st_size - 1;
		}
		len = last - first + 1;
		file_head(h, r, &p, mime_type(name), range, first, last);
		if (http_head_send(r, h, r->method != M_HEAD && len > 0) == 0 &&
		    r->method != M_HEAD && len > 0)
			r->body_sent = http_sendfile(r, p.fd, first, len);
		s = S_NONE;
	}
	if (p.fd != fd)
		close(p.fd);
	return s;
}

/* A directory asked for without its slash: 301 to the slashed path. The
 * Location is built from the collapsed path, never the raw target, so
 * "//evil.example/" cannot become an open redirect (CVE-2021-28861). */
static enum status
redirect_slash(struct request *r)
{
	static const char hex[] = "0123456789ABCDEF";
	struct resp_head *h = &r->resp;

	http_head_begin(h, r, S_MOVED_PERMANENTLY, NULL);
	http_head_add(h, "Location: ");
	for (const unsigned char *p = (const unsigned char *)r->path; *p; p++) {
		if (isalnum(*p) || strchr("/-._~!$&'()*+,;=:@", *p))
			http_head_add(h, "%c", *p);
		else
			http_head_add(h, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	http_head_add(h, "/%s%s\r\nContent-Length: 0\r\nConnection: close\r\n",
	              r->query ? "?" : "", r->query ? r->query : "");
	http_head_send(r, h, false);
	return S_NONE;
}

/* ---- directory listings -------------------------------------------------- */

/* perf: a listing of 100,000 entries took 1,152 M user instructions, 490
 * ms of CPU and 5.0 MiB (strcasecmp under qsort 60 %, a call per escaped
 * piece, the page made twice, a malloc a name); now 188 M, 95 ms (half of
 * it the kernel's readdir) and 4.0 MiB. The names live in one arena, each
 * as its lower-case sort key, NUL-padded to 8 bytes so that keys compare a
 * word at a time; d_type says what an entry is (only a symlink is looked
 * at, an unknown type stat'ed); the page's length is summed as the names
 * are read, and the page is escaped once, straight into one buffer sent 64
 * KiB at a time: memory grows with the names, never with the page. */
enum { LISTING_BUF = 65536 };	/* getdents64's buffer, then the page's */
_Static_assert(LISTING_BUF >= 5 * (REQ_LINE_MAX + 2) + 2 * (8 + 8 * NAME_MAX),
               "the title, or one entry, fits in the page's buffer");

/* One entry: at names + off its sort key (the name in lower case), then
 * if that is not the name itself, the name; each len bytes NUL-padded to
 * a multiple of 8. */
struct entry {
	uint32_t off;
	uint16_t len;
	bool dir : 1, link : 1;
	bool plain : 1;		/* nothing in the name to escape */
	bool cased : 1;		/* upper case in it: the name follows the key */
};

static inline size_t
padded(size_t len)
{
	return (len + 8) / 8 * 8;
}

/* The name itself. */
static inline const char *
entry_name(const char *names, const struct entry *e)
{
	return names + e->off + (e->cased ? padded(e->len) : 0);
}

struct listing {
	char *names;		/* the arena */
	size_t used, cap;
	struct entry *e;
	size_t n, ecap;
	off_t length;		/* the entries' share of the page, in bytes */
};

/* The kernel's record that getdents64 fills. */
struct kdirent {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* urllib.parse.quote leaves these (isalnum in the C locale, "-._~/"). */
static inline bool
quote_plain(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}


/* A name as it is: a word at a time, as it is NUL-padded (the buffer has
 * the room). */
static char *
put_plain(char *d, const char *name, size_t n)
{
	for (size_t i = 0; i < n; i += 8)
		memcpy(d + i, name + i, 8);
	return d + n;
}

static char *
put_quoted(char *d, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (quote_plain(c)) {
			*d++ = (char)c;
		} else {
			*d++ = '%';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
	}
	return d;
}

/* Room for one more entry, its key and name of len bytes; false with
 * errno ENOMEM if there is none. */
static bool
listing_grow(struct listing *l, size_t len)
{
	size_t need = l->used + 2 * padded(len);

	if (need > UINT32_MAX)
		return errno = ENOMEM, false;
	if (need > l->cap) {
		size_t cap = l->cap ? l->cap : 16384;
		char *p;
		while (cap < need)
			cap *= 2;
		if (!(p = realloc(l->names, cap)))
			return false;
		l->names = p;
		l->cap = cap;
	}
	if (l->n == l->ecap) {
		size_t cap = l->ecap ? l->ecap * 2 : 256;
		struct entry *p = reallocarray(l->e, cap, sizeof(*p));
		if (!p)
			return false;
		l->e = p;
		l->ecap = cap;
	}
	return true;
}

/* Add a name; what its line will add to the page's length is counted. */
static bool
listing_add(struct listing *l, const char *name, bool dir, bool link)
{
	size_t len = strlen(name), q = 0, h = 0, pad = padded(len);
	bool plain = true, cased = false;
	char *d;

	if (!listing_grow(l, len))
		return false;
	d = l->names + l->used;
	memset(d + len, 0, pad - len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		/* tolower in the C locale */
		bool upper = (unsigned)c - 'A' < 26;
		d[i] = (char)(upper ? c | 32 : c);
		cased = cased || upper;
		q += quote_plain(c) ? 1 : 3;
		h += html_len(c);
		plain = plain && quote_plain(c) && html_plain(c);
	}
	if (cased) {
		memcpy(d + pad, name, len);
		memset(d + pad + len, 0, pad - len);
	}
	/* <li><a href="Q/">H/</a></li>\n, the slashes for a directory */
	l->length += (off_t)(13 + q + (dir ? 3 : 2) + h + (link || dir) + 10);
	l->e[l->n++] = (struct entry){ .off = (uint32_t)l->used,
	                               .len = (uint16_t)len, .dir = dir,
	                               .link = link, .plain = plain,
	                               .cased = cased };
	l->used += cased ? 2 * pad : pad;
	return true;
}

/* Whether name in the directory at path leads to a directory: a symlink
 * is followed only as far as it stays beneath the root. */
static bool
entry_is_dir(const struct server *sv, const char *path, const char *name)
{
	char full[REQ_LINE_MAX + 2 + NAME_MAX + 1];
	int fd;

	snprintf(full, sizeof(full), "%s%s", path, name);
	if ((fd = open_root(sv, full, O_PATH | O_DIRECTORY)) < 0)
		return false;
	close(fd);
	return true;
}

/* Read the directory (a few big getdents64, no call per entry but for a
 * symlink or an unknown type); dot-names left out as they are not served. */
static bool
read_entries(struct listing *l, const struct server *sv, const char *path,
             int dirfd, char *buf)
{
	long got;

	while ((got = syscall(SYS_getdents64, dirfd, buf, LISTING_BUF)) > 0) {
		for (long i = 0; i < got;) {
			const struct kdirent *de = (const void *)(buf + i);
			unsigned char type = de->type;
			struct stat st;

			i += de->reclen;
			if (de->name[0] == '.' &&
			    (!sv->dotfiles || !de->name[1] ||
			     !strcmp(de->name, "..")))
				continue;
			if (type == DT_UNKNOWN &&
			    fstatat(dirfd, de->name, &st,
			            AT_SYMLINK_NOFOLLOW) == 0)
				type = S_ISLNK(st.st_mode) ? DT_LNK :
				       S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
			if (!listing_add(
			            l, de->name,
			            type == DT_DIR ||
			                    ((type == DT_LNK ||
			                      type == DT_UNKNOWN) &&
			                     entry_is_dir(sv, path, de->name)),
			            type == DT_LNK))
				return false;
		}
	}
	return got == 0;	/* never a listing with names missing: a 500 */
}

/* As strcasecmp, then strcmp to break a tie: the keys a word at a time. */
static int
entry_cmp(const char *names, const struct entry *ea, const struct entry *eb)
{
	const uint64_t hi = 0x8080808080808080ULL, ones = 0x0101010101010101ULL;
	const char *a = names + ea->off, *b = names + eb->off;

	for (size_t i = 0;; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
#endif
			return x < y ? -1 : 1;
		}
		if ((x - ones) & ~x & hi)	/* both end in this word */
			return strcmp(entry_name(names, ea),
			              entry_name(names, eb));
	}
}

/* A merge sort of to[0..n) by name; from[0..n) holds the same entries
 * (in any order) and is the other half of each step: nothing is copied
 * back. */
static void
sort_entries(struct entry *to, struct entry *from, size_t n, const char *names)
{
	size_t half = n / 2, i = 0, j = half, k = 0;

	if (n <= 12) {
		for (size_t a = 1; a < n; a++) {
			struct entry x = to[a];
			size_t b = a;
			for (; b > 0 && entry_cmp(names, &to[b - 1], &x) > 0;
			     b--)
				to[b] = to[b - 1];
			to[b] = x;
		}
		return;
	}
	sort_entries(from, to, half, names);
	sort_entries(from + half, to + half, n - half, names);
	while (i < half && j < n)
		to[k++] = entry_cmp(names, &from[i], &from[j]) <= 0 ? from[i++]
		                                                    : from[j++];
	while (i < half)
		to[k++] = from[i++];
	while (j < n)
		to[k++] = from[j++];
}

/* The page being sent through a fixed buffer. */
struct page {
	const struct request *r;
	char *buf;
	size_t len;
	bool failed;
};

/* Where n more bytes can go (n < LISTING_BUF), sending what is there
 * first if they would not fit. */
static char *
page_room(struct page *p, size_t n)
{
	if (LISTING_BUF - p->len < n || n == 0) {
		if (!p->failed && p->len)
			p->failed = http_send(p->r, p->buf, p->len, false) < 0;
		p->len = 0;
	}
	return p->buf + p->len;
}

static void
page_str(struct page *p, const char *s, size_t n)
{
	memcpy(page_room(p, n), s, n);
	p->len += n;
}

static const char page_top[] = "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n"
	"<meta charset=\"utf-8\">\n<title>Directory listing for ";
static const char page_h1[] =
	"</title>\n</head>\n<body>\n<h1>Directory listing for ";
static const char page_ul[] = "</h1>\n<hr>\n<ul>\n";
static const char page_end[] = "</ul>\n<hr>\n</body>\n</html>\n";

/* The page's length: its frame, the path twice, the entries. */
static off_t
page_length(const char *path, const struct listing *l)
{
	off_t n = sizeof(page_top) + sizeof(page_h1) + sizeof(page_ul) +
	          sizeof(page_end) - 4 + l->length;

	for (const char *s = path; *s; s++)
		n += 2 * (off_t)html_len((unsigned char)*s);
	return n;
}

/* The page, as Python's list_directory writes it. */
static void
page_send(struct page *p, const char *path, const struct listing *l)
{
	size_t plen = strlen(path);
	char *d;

	page_str(p, page_top, sizeof(page_top) - 1);
	p->len = (size_t)(html_escape(page_room(p, 5 * plen), path, plen) -
	                  p->buf);
	page_str(p, page_h1, sizeof(page_h1) - 1);
	p->len = (size_t)(html_escape(page_room(p, 5 * plen), path, plen) -
	                  p->buf);
	page_str(p, page_ul, sizeof(page_ul) - 1);
	for (size_t i = 0; i < l->n && !p->failed; i++) {
		const struct entry *e = &l->e[i];
		const char *name = entry_name(l->names, e);
		d = page_room(p, 40 + 8 * (size_t)e->len);
		memcpy(d, "<li><a href=\"", 13);
		d += 13;
		d = e->plain ? put_plain(d, name, e->len)
		             : put_quoted(d, name, e->len);
		memcpy(d, "/\">", 3);	/* the slash only for a directory */
		d += e->dir ? 3 : 0;
		memcpy(d, "\">", 2);
		d += e->dir ? 0 : 2;
		d = e->plain ? put_plain(d, name, e->len)
		             : html_escape(d, name, e->len);
		if (e->link || e->dir)
			*d++ = e->link ? '@' : '/';
		memcpy(d, "</a></li>\n", 10);
		d += 10;
		p->len = (size_t)(d - p->buf);
	}
	page_str(p, page_end, sizeof(page_end) - 1);
	page_room(p, 0);	/* the rest */
}

/* Read and sort the directory into l; the status if it cannot be. */
static enum status
listing_make(struct request *r, const struct server *sv, int dirfd,
             struct listing *l, char *buf)
{
	struct entry *tmp = NULL;

	if (!buf || !read_entries(l, sv, r->path, dirfd, buf) ||
	    (l->n > 12 && !(tmp = reallocarray(NULL, l->n, sizeof(*tmp))))) {
		return http_fail(
		        r, errno == EACCES ? S_FORBIDDEN : S_INTERNAL_ERROR,
		        "No permission to list directory");
	}
	if (tmp)
		memcpy(tmp, l->e, l->n * sizeof(*tmp));
	sort_entries(l->e, tmp, l->n, l->names);
	free(tmp);
	return S_NONE;
}

static enum status
send_listing(struct request *r, const struct server *sv, int dirfd)
{
	struct listing l = { .names = NULL };
	struct page p = { .r = r, .buf = malloc(LISTING_BUF) };
	struct resp_head *h = &r->resp;
	enum status s;
	off_t total;

	if (!sv->listing)
		s = http_fail(r, S_FORBIDDEN,
		              "No permission to list directory");
	else if ((s = listing_make(r, sv, dirfd, &l, p.buf)))
		;
	else if (precondition_failed(r, NULL, NULL))
		s = S_PRECONDITION_FAILED;
	else {
		total = page_length(r->path, &l);
		http_head_begin(h, r, S_OK, NULL);
		http_head_add(h, "Content-Type: text/html; charset=utf-8\r\n"
		              "Content-Length: %lld\r\nConnection: close\r\n",
		              (long long)total);
		if (http_head_send(r, h, r->method != M_HEAD) == 0 &&
		    r->method != M_HEAD) {
			page_send(&p, r->path, &l);
			r->body_sent = p.failed ? 0 : total;
		}
	}
	free(p.buf);
	free(l.names);
	free(l.e);
	return s;
}

/* A directory with its slash: index.html, index.htm, else the listing. */
static enum status
serve_directory(struct request *r, const struct server *sv, int dirfd)
{
	char path[sizeof(r->path) + 16];

	for (size_t i = 0; i < LEN(index_names); i++) {
		struct stat st;
		int fd;

		snprintf(path, sizeof(path), "%s%s", r->path, index_names[i]);
		if ((fd = open_in_checked(sv, path, O_RDONLY | O_NONBLOCK)) < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			enum status s = send_file(r, sv, fd, &st, path);
			close(fd);
			return s;
		}
		close(fd);
	}
	return send_listing(r, sv, dirfd);
}

/* GET or HEAD of anything that is not a script. */
enum status
file_serve(struct request *r, const struct server *sv)
{
	bool slash = r->path[strlen(r->path) - 1] == '/';
	struct stat st;
	enum status s;
	int fd;

	if ((fd = open_static(sv, r->path, O_RDONLY | O_NONBLOCK)) < 0)
		return errno_status(r);
	if (fstat(fd, &st) < 0)
		s = S_INTERNAL_ERROR;
	else if (S_ISDIR(st.st_mode))
		s = slash ? serve_directory(r, sv, fd) : redirect_slash(r);
	else if (S_ISREG(st.st_mode) && !slash)
		s = send_file(r, sv, fd, &st, r->path);
	else
		s = http_fail(r, S_NOT_FOUND, "File not found");
	close(fd);
	return s;
}
