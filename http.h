/* http.h: the wire (request head, responses, error pages) and what every
 * part shares: the limits, the statuses, the server and the request. */
#ifndef HTTP_H
#define HTTP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define VERSION "0.1"

/* Every limit, with the status it maps to. */
enum {
	REQ_LINE_MAX = 8190,	/* request line: 414 */
	HDR_LINE_MAX = 8190,	/* one header line: 431 */
	HDR_FIELDS_MAX = 100,	/* header fields: 431 */
	HEAD_MAX = 65536,	/* whole head: 431 */
	/* a response head we build: a script's, with ours */
	OUT_HEAD_MAX = HEAD_MAX + 4096,
	LOCAL_REDIRECTS_MAX = 10,
	CGI_DIRS_MAX = 16,
	CGI_EXTS_MAX = 16,	/* --cgi-ext options */
	SCRIPTS_MAX = 16,	/* --script options */
	EXTRA_ENV_MAX = 64,
	MSG_MAX = 512,		/* an error page's message */
	/* PROXY v2 bytes kept; TLVs beyond are read, dropped */
	PROXY_V2_MAX = 1024,
	/* openat2 against EAGAIN from a concurrent rename */
	OPEN_TRIES = 64,
	/* SIGTERM to SIGKILL, and after a script's end */
	KILL_GRACE_MS = 2000,
	/* a script's stderr line logged; longer ones cut */
	STDERR_LINE_MAX = 1024,
	/* a script's stderr logged a request; the rest counted */
	STDERR_LOG_MAX = 65536,
	/* the lingering close, in all (nginx's lingering_time) */
	LINGER_MS = 30000,
	/* and its wait for the client (lingering_timeout) */
	LINGER_IDLE_MS = 5000,
	/* a body spooled in memory (no spool directory) */
	MEM_SPOOL_MAX = 16 << 20,
	/* spool writes gathered: not one write per chunk */
	SPOOL_BUF = 65536,
};

/* What every step and handler returns: S_NONE when there is nothing for
 * the caller to send (a step that went on; a handler that has answered,
 * r->status saying what went out), otherwise the HTTP error still to be
 * sent, its message in r->msg (return http_fail(r, S_..., "...")). Two
 * outcomes are flags beside it: the client went away (r->gone: nothing
 * more is sent, http_gone), and a -P script asked for another path
 * (r->local_location set: routing starts over). */
enum status {
	S_NONE = 0,
	S_CONTINUE = 100,
	S_OK = 200,
	S_PARTIAL_CONTENT = 206,
	S_MOVED_PERMANENTLY = 301,
	S_FOUND = 302,
	S_NOT_MODIFIED = 304,
	S_BAD_REQUEST = 400,
	S_FORBIDDEN = 403,
	S_NOT_FOUND = 404,
	S_REQUEST_TIMEOUT = 408,
	S_PRECONDITION_FAILED = 412,
	S_CONTENT_TOO_LARGE = 413,
	S_URI_TOO_LONG = 414,
	S_RANGE_NOT_SATISFIABLE = 416,
	S_EXPECTATION_FAILED = 417,
	S_HEADERS_TOO_LARGE = 431,
	S_INTERNAL_ERROR = 500,
	S_NOT_IMPLEMENTED = 501,
	S_BAD_GATEWAY = 502,
	S_GATEWAY_TIMEOUT = 504,
	S_VERSION_NOT_SUPPORTED = 505,
};

/* A control byte (RFC 5234's CTL): never raw in a head, a path or a page. */
static inline bool
http_is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* html.escape(quote=False) leaves all but "&<>"; a control byte (ESC,
 * BEL: a file name may hold any) becomes '?' (html_escape). */
static inline bool
html_plain(unsigned char c)
{
	return !http_is_ctl(c) && c != '&' && c != '<' && c != '>';
}

/* What c becomes there, in bytes. */
static inline size_t
html_len(unsigned char c)
{
	if (c == '&')
		return 5;
	return c == '<' || c == '>' ? 4 : 1;
}

enum method { M_OTHER, M_GET, M_HEAD, M_POST };

enum log_dest { LOG_TO_SYSLOG, LOG_TO_FILE, LOG_TO_STDERR, LOG_TO_NONE };

/* A program named on the command line (--cgi-ext's, --script's), opened
 * at start, before the privilege drop and a chroot. */
struct program {
	const char *path;		/* absolute; NULL: none */
	int fd;				/* opened, to exec from (execveat) */
	bool shebang;			/* a #! script: exec'd by its path */
};

/* --cgi-ext .EXT[=PROGRAM] */
struct cgi_ext {
	const char *ext;		/* with its dot */
	size_t len;
	struct program prog;		/* path NULL: the file runs itself */
};

/* --script /URL=PROGRAM */
struct script_alias {
	const char *url;		/* no trailing slash; "" for / */
	size_t len;
	struct program prog;
};

/* The configuration: set once from the command line, then read-only. */
struct server {
	const char *docroot;		/* as given */
	char docroot_abs[4096];		/* resolved, for DOCUMENT_ROOT */
	int rootfd;			/* everything is opened beneath it */
	const char *cgi_dirs[CGI_DIRS_MAX];
	size_t ncgi_dirs;
	struct cgi_ext exts[CGI_EXTS_MAX];
	size_t nexts;
	struct script_alias scripts[SCRIPTS_MAX];
	size_t nscripts;
	const char *user;
	int timeout;			/* seconds for the request head */
	int cgi_timeout;		/* seconds for a script, 0: none */
	off_t max_body;
	const char *extra_env[EXTRA_ENV_MAX];	/* NAME=VALUE for scripts */
	size_t nextra_env;
	bool parse_headers, chroot, follow_symlinks, listing;
	bool pass_auth, dotfiles, proxy_protocol;
	bool https;			/* the launcher terminates TLS */
	enum log_dest log;
	const char *log_path;
	int logfd;
	/* /proc, opened before a chroot; -1: none */
	int procfd;
	/* where bodies spool, opened before a chroot; -1: by path */
	int spooldir;
};

struct field {
	char *name;
	char *value;
};

/* A response head being built (len first: a short head touches one page). */
struct resp_head {
	size_t len;
	bool overflow;
	char buf[OUT_HEAD_MAX];
};

/* One request, one struct: everything about it lives here. perf: the
 * small fields first and the big buffers last, each touched only as far
 * as it is used, so a small request dirties few pages (21-23 to 19-20
 * page faults for a small file, with file.c's open_through_symlinks
 * apart: 08941ca). */
struct request {
	/* the connection: read from 0, written to 1 */
	bool in_sock, out_sock, out_pipe;
	int out_flags;			/* fd 1's file status flags, blocking */
	char peer_addr[64], peer_port[8];
	char local_addr[64], local_port[8];
	/* a PROXY v2 header says the client used TLS */
	bool tls;
	/* --timeout, for the client's silences */
	int timeout;
	/* --cgi-timeout's end (monotonic ms), 0: none */
	long long deadline;
	time_t now;

	/* the head as received (head, below); fields point into it */
	size_t headlen;
	char *method_name, *target, *version;
	enum method method;
	int major, minor;
	bool http09;
	size_t nfields;
	/* Host, or the absolute-form authority */
	const char *host;
	/* after the first '?', raw; NULL if none */
	char *query;
	bool expect_continue;
	bool chunked;
	/* re-routed by a script's local Location */
	bool redirected;
	off_t content_length;		/* -1: none */
	/* a body may still be on the connection */
	bool body_unread;

	/* the response */
	/* what went on the wire, 0: nothing yet */
	int status;
	/* the client went away: nothing more is sent */
	bool gone;
	off_t body_sent;
	/* a script's exit status (128 + signal), -1: none */
	int script_exit;
	int script_signal;		/* the signal that ended it, 0: none */
	bool script_timed_out;		/* --cgi-timeout ended it */
	/* the response is the script's, not an error of ours */
	bool script_answered;
	long long script_ms;		/* how long it ran */
	/* for the error page: 416's Content-Range */
	char extra_header[64];
	/* error page message, "" for the default */
	char msg[MSG_MAX];

	struct field fields[HDR_FIELDS_MAX];
	struct resp_head resp;		/* the response head being built */
	char head[HEAD_MAX + 1];
	char line[REQ_LINE_MAX + 1];	/* the request line, for the log */
	/* decoded and collapsed, starts with '/' */
	char path[REQ_LINE_MAX + 2];
	/* a -P script's local Location, "": none */
	char local_location[REQ_LINE_MAX + 1];
	/* the one being served: the target */
	char redirected_to[REQ_LINE_MAX + 1];
};

/* http.c, the wire: the request head, what goes to the client, the
 * error page. Everything of HTTP's is http_. */
enum status http_read_proxy(struct request *r, long long deadline);
enum status http_read_head(struct request *r, long long deadline);
enum status http_parse_head(struct request *r);
enum status http_decode_path(struct request *r);
enum status http_percent_decode(char *dst, const char *src, bool slash_ok);
const char *http_field(const struct request *r, const char *name);
bool http_split_field(char *line, struct field *f);
bool http_parse_length(const char *v, off_t *len);
size_t http_token_len(const char *s);
bool http_is_token(const char *s);
const char *http_reason(int status);
void http_date(time_t t, char out[30]);
void http_head_begin(struct resp_head *h, struct request *r, int status,
                     const char *reason);
void http_head_catv(struct resp_head *h, ...);
#define http_head_cat(h, ...) \
	http_head_catv(h, __VA_ARGS__, (const char *)NULL)
void http_head_add(struct resp_head *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int http_head_send(struct request *r, struct resp_head *h, bool body_follows);
int http_send(const struct request *r, const void *buf, size_t len, bool more);
bool http_wait_client(const struct request *r);
off_t http_sendfile(const struct request *r, int fd, off_t off, off_t len);
void http_send_error(struct request *r, enum status s);
enum status http_fail(struct request *r, enum status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum status http_gone(struct request *r);
long long http_bytes_out(const struct request *r);
void http_close(struct request *r);

/* http.c, what is not HTTP but every part uses: time, the one timed
 * wait, opening beneath a directory, numbers, addresses. */
long long now_ms(void);			/* monotonic */
time_t wall_time(void);
long long deadline_in(long long ms);	/* an idle limit as a deadline */
long long idle_deadline(int secs, long long deadline);
int poll_until(struct pollfd *p, nfds_t n, long long deadline);
int open_beneath(const struct server *sv, int dirfd, const char *path,
                 int flags, uint64_t resolve);
int open_root(const struct server *sv, const char *path, int flags);
int write_all(int fd, const void *buf, size_t len);
char *put_number(char *p, unsigned long long v, unsigned base, int width);
const char *decimal(char buf[24], unsigned long long v);
int hexval(unsigned char c);		/* 0-15, or -1 */
char *html_escape(char *d, const char *s, size_t n);
struct sockaddr_storage;
bool sockaddr_text(const struct sockaddr_storage *ss, char *addr,
                   size_t alen, char *port, size_t plen);

/* cgiinetd.c: the log */
void log_error(const struct server *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t log_escape(char *dst, size_t cap, const char *s);

#endif
