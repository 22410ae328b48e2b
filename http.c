/*
 * http.c: the wire. Reading and parsing the request head (and a PROXY
 * header), URL decoding and path collapsing, the openat2 primitive,
 * responses and error pages, every send to the client, the lingering close.
 *
 * Implemented: RFC 9112 2.2 (leading empty lines ignored, bare LF accepted
 * as a line end), 3 (request line, origin- and absolute-form; Host rules of
 * 3.2), 5 (field syntax; obs-fold and whitespace before ':' rejected),
 * 6.1-6.3 (framing: TE+CL, differing CL and unknown codings rejected);
 * RFC 3986 3.2.2-3.2.3 (Host and the absolute-form authority);
 * RFC 9110 5.3 (a list over several field lines), 5.6.7 (dates), 8.6
 * (Content-Length of any number of digits), 10.1.1 (Expect); the
 * conditionals and ranges are file.c's.
 * Deliberately not: keep-alive and pipelining (one request per process),
 * OPTIONS and CONNECT (their asterisk- and authority-form targets are
 * parsed, then 501), trailers.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <linux/openat2.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "http.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

struct status_text {
	int code;
	const char *reason;	/* RFC 9110 */
	const char *explain;	/* Python's http.HTTPStatus descriptions */
};

static const struct status_text status_text[] = {
	{ 100, "Continue", "Request received, please continue" },
	{ 200, "OK", "Request fulfilled, document follows" },
	{ 201, "Created", "Document created, URL follows" },
	{ 202, "Accepted", "Request accepted, processing continues off-line" },
	{ 204, "No Content", "Request fulfilled, nothing follows" },
	{ 206, "Partial Content", "Partial content follows" },
	{ 301, "Moved Permanently",
	  "Object moved permanently -- see URI list" },
	{ 302, "Found", "Object moved temporarily -- see URI list" },
	{ 303, "See Other", "Object moved -- see Method and URL list" },
	{ 304, "Not Modified", "Document has not changed since given time" },
	{ 307, "Temporary Redirect",
	  "Object moved temporarily -- see URI list" },
	{ 308, "Permanent Redirect",
	  "Object moved permanently -- see URI list" },
	{ 400, "Bad Request", "Bad request syntax or unsupported method" },
	{ 401, "Unauthorized", "No permission -- see authorization schemes" },
	{ 403, "Forbidden",
	  "Request forbidden -- authorization will not help" },
	{ 404, "Not Found", "Nothing matches the given URI" },
	{ 405, "Method Not Allowed",
	  "Specified method is invalid for this resource" },
	{ 408, "Request Timeout", "Request timed out; try again later" },
	{ 409, "Conflict", "Request conflict" },
	{ 410, "Gone",
	  "URI no longer exists and has been permanently removed" },
	{ 412, "Precondition Failed", "Precondition in headers is false" },
	{ 413, "Content Too Large", "Content is too large" },
	{ 414, "URI Too Long", "URI is too long" },
	{ 415, "Unsupported Media Type", "Entity body in unsupported format" },
	{ 416, "Range Not Satisfiable", "Cannot satisfy request range" },
	{ 417, "Expectation Failed",
	  "Expect condition could not be satisfied" },
	{ 429, "Too Many Requests",
	  "The user has sent too many requests in a given amount of time "
	  "(\"rate limiting\")" },
	{ 431, "Request Header Fields Too Large",
	  "The server refused this request because the request header "
	  "fields are too large" },
	{ 500, "Internal Server Error", "Server got itself in trouble" },
	{ 501, "Not Implemented", "Server does not support this operation" },
	{ 502, "Bad Gateway", "Invalid responses from another server/proxy" },
	{ 503, "Service Unavailable",
	  "The server cannot process the request due to a high load" },
	{ 504, "Gateway Timeout",
	  "The gateway server did not receive a timely response" },
	{ 505, "HTTP Version Not Supported", "Cannot fulfill request" },
};

/* The table's entry for a status, if it has one. */
static const struct status_text *
status_entry(int status)
{
	for (size_t i = 0; i < LEN(status_text); i++)
		if (status_text[i].code == status)
			return &status_text[i];
	return NULL;
}

const char *
http_reason(int status)
{
	const struct status_text *t = status_entry(status);

	return t ? t->reason : "Unknown";
}

static const char *
explanation(int status)
{
	const struct status_text *t = status_entry(status);

	return t ? t->explain : "";
}

/* The error still to send, with its message, in one expression. */
enum status
http_fail(struct request *r, enum status s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return s;
}

/* The client went away (an EOF or a reset where a request, or room for
 * our answer, should be): nothing more is sent, and nothing of ours
 * failed. Returns 400, what a request cut short is, so that any caller
 * stops; main() sees r->gone and says nothing. */
enum status
http_gone(struct request *r)
{
	r->gone = true;
	return S_BAD_REQUEST;
}

/* ---- I/O ---------------------------------------------------------------- */

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The one timed wait: poll until an event or the deadline (ms on the
 * monotonic clock, 0: none; an idle limit becomes a deadline at the call,
 * deadline_in). poll's count: 0 only once the deadline has passed, -1 an
 * error other than a signal's. */
int
poll_until(struct pollfd *p, nfds_t n, long long deadline)
{
	for (;;) {
		long long left = deadline ? deadline - now_ms() : -1;
		int k;

		if (deadline && left <= 0)
			return 0;
		k = poll(p, n, left > INT_MAX ? INT_MAX : (int)left);
		if (k > 0 || (k < 0 && errno != EINTR))
			return k;
	}
}

/* The deadline ms from now. */
long long
deadline_in(long long ms)
{
	return now_ms() + ms;
}

/* How long a wait on the client may last from now: secs of its
 * silence (--timeout), or deadline (the script's, 0: none) if that comes
 * first. */
long long
idle_deadline(int secs, long long deadline)
{
	long long idle = deadline_in(secs * 1000LL);

	return deadline && deadline < idle ? deadline : idle;
}

/* Wait until fd 1 takes more: false at idle_deadline. */
bool
http_wait_client(const struct request *r)
{
	struct pollfd p = { .fd = 1, .events = POLLOUT };

	return poll_until(&p, 1, idle_deadline(r->timeout, r->deadline)) > 0;
}

/* Everything for the client goes out here or through http_sendfile (a -P
 * body: relay_send in cgi.c). Nothing waits unbounded: a send to a socket
 * is non-blocking (MSG_DONTWAIT: the socket's own flags are the script's
 * too), a write to a pipe waits for room first and is at most PIPE_BUF
 * (which a pipe with room always takes whole), and each wait is
 * http_wait_client's. With more, head and body share the first segment
 * (MSG_MORE). */
int
http_send(const struct request *r, const void *buf, size_t len, bool more)
{
	int flags = MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0);
	const char *p = buf;

	while (len > 0) {
		ssize_t n;

		if (r->out_sock)
			n = send(1, p, len, flags);
		else if (r->out_pipe && !http_wait_client(r))
			return -1;
		else if (r->out_pipe && len > PIPE_BUF)
			n = write(1, p, PIPE_BUF);
		else
			n = write(1, p, len);
		if (n < 0 && errno == EAGAIN && http_wait_client(r))
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy len bytes of fd from off to the client in the kernel; the count
 * actually sent. */
off_t
http_sendfile(const struct request *r, int fd, off_t off, off_t len)
{
	off_t start = off, end = off + len;

	/* sendfile has no MSG_DONTWAIT: the socket itself goes non-blocking
	 * (no script shares it on this path), and each wait is polled; to a
	 * pipe, a page at a time once it has room */
	if (r->out_sock && r->out_flags >= 0)
		fcntl(1, F_SETFL, r->out_flags | O_NONBLOCK);
	while (off < end) {
		size_t chunk =
		        end - off > (1 << 30) ? (1 << 30) : (size_t)(end - off);
		ssize_t n;

		if (r->out_pipe && !http_wait_client(r))
			break;
		if (r->out_pipe && chunk > PIPE_BUF)
			chunk = PIPE_BUF;
		n = sendfile(1, fd, &off, chunk);
		if (n < 0 && errno == EAGAIN && http_wait_client(r))
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		/* error, timeout, or the file shrank under us */
		if (n <= 0)
			break;
	}
	return off - start;
}

/* What the kernel has taken from us on the connection so far: the bytes
 * the client has acknowledged and those still queued (TCP_INFO and
 * SIOCOUTQ); -1 if it cannot tell (not TCP). */
long long
http_bytes_out(const struct request *r)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int queued;

	if (!r->out_sock ||
	    getsockopt(1, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_acked) +
	                    sizeof(ti.tcpi_bytes_acked) ||
	    ioctl(1, SIOCOUTQ, &queued) < 0)
		return -1;
	return (long long)ti.tcpi_bytes_acked + queued;
}

/* The end of the connection, as nginx's and Apache's lingering close: when
 * the client may still be sending (a body nobody read, pipelined bytes, a
 * CRLF after a body), closing would make the kernel answer them with an
 * RST, and the client's kernel would throw away the response it has not
 * read yet. So our FIN goes first, and what arrives is read and dropped
 * until the client's own FIN, LINGER_IDLE_MS of silence or LINGER_MS in all. */
void
http_close(struct request *r)
{
	static char sink[1 << 18];	/* TCP's MSG_TRUNC never writes it */
	long long end;
	int queued = 0;

	if (!r->in_sock || (!r->body_unread &&
	                    (ioctl(0, FIONREAD, &queued) < 0 || queued == 0)))
		return;
	if (shutdown(r->out_sock ? 1 : 0, SHUT_WR) < 0)
		return;
	end = deadline_in(LINGER_MS);	/* the clock only when lingering */
	for (;;) {
		long long idle = deadline_in(LINGER_IDLE_MS);
		struct pollfd p = { .fd = 0, .events = POLLIN };
		ssize_t n;

		if (poll_until(&p, 1, idle < end ? idle : end) <= 0)
			return;
		n = recv(0, sink, sizeof(sink), MSG_TRUNC | MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return;
	}
}

/* perf: the clocks by system call, not through the vDSO (3 page faults a
 * request fewer, f0fb48f): a process that reads
 * them a few times in its life would spend more on the vDSO's first use
 * (its pages faulted in, its symbols looked up) than on the calls. Only
 * where the kernel's timespec is the C library's (time_t as wide as long);
 * elsewhere, or if the call fails, the library's clock_gettime. */
static struct timespec
clock_now(clockid_t clock)
{
	struct timespec ts;

#ifdef SYS_clock_gettime
	if (sizeof(time_t) == sizeof(long) &&
	    syscall(SYS_clock_gettime, clock, &ts) == 0)
		return ts;
#endif
	clock_gettime(clock, &ts);
	return ts;
}

long long
now_ms(void)
{
	struct timespec ts = clock_now(CLOCK_MONOTONIC);

	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

time_t
wall_time(void)
{
	return clock_now(CLOCK_REALTIME).tv_sec;
}

/* Wait for fd to have data, EOF or an error (read() tells which). */
static enum status
wait_readable(int fd, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll_until(&p, 1, deadline);

	if (n < 0)
		return S_INTERNAL_ERROR;
	return n ? S_NONE : S_REQUEST_TIMEOUT;
}

/* ---- reading the head ---------------------------------------------------- */

/* Where the scan of the arriving head stands. */
struct scan {
	size_t pos;		/* bytes examined */
	size_t start;		/* first byte of the request line */
	size_t bol;		/* first byte of the current line */
	size_t fields;		/* header lines complete */
	bool started;		/* past the leading empty lines */
	bool line_done;		/* the request line is complete */
};

/* Examine what arrived since the last call: the head's length once it is
 * complete, else 0. HTTP/0.9's "GET /path" is a head of one line. */
static size_t
scan_head(struct scan *sc, const char *b, size_t len)
{
	for (; sc->pos < len; sc->pos++) {
		size_t i = sc->pos;

		if (!sc->started) {
			if (b[i] == '\r' || b[i] == '\n')
				continue;
			sc->started = true;
			sc->start = sc->bol = i;
		}
		if (b[i] != '\n')
			continue;
		if (!sc->line_done) {
			const char *sp =
			        memchr(b + sc->start, ' ', i - sc->start);
			sc->line_done = true;
			sc->bol = i + 1;
			if (!sp || !memchr(sp + 1, ' ', b + i - sp - 1))
				return i + 1;
			continue;
		}
		if (b[i - 1] == '\n' || (b[i - 1] == '\r' && b[i - 2] == '\n'))
			return i + 1;
		sc->bol = i + 1;
		sc->fields++;
	}
	return 0;
}

/* Early refusals while the head is still arriving. */
static enum status
scan_limits(const struct scan *sc, size_t len)
{
	if (!sc->started && len > 8)
		return S_BAD_REQUEST;	/* a flood of empty lines */
	if (!sc->line_done && sc->started && len - sc->start > REQ_LINE_MAX + 2)
		return S_URI_TOO_LONG;
	if (sc->line_done && len - sc->bol > HDR_LINE_MAX + 2)
		return S_HEADERS_TOO_LARGE;
	if (sc->fields > HDR_FIELDS_MAX)	/* at the 101st, as Python */
		return S_HEADERS_TOO_LARGE;
	if (len >= HEAD_MAX)
		return sc->line_done ? S_HEADERS_TOO_LARGE : S_URI_TOO_LONG;
	return S_NONE;
}

/* Exactly n bytes of fd 0, each wait bounded by the deadline: what is read
 * is known to be ours (a PROXY header, peeked head bytes), nothing past it. */
static enum status
read_full(char *buf, size_t n, long long deadline)
{
	while (n > 0) {
		enum status s;
		ssize_t k;

		if ((s = wait_readable(0, deadline)))
			return s;
		if ((k = read(0, buf, n)) < 0 &&
		    (errno == EINTR || errno == EAGAIN))
			continue;
		if (k <= 0)
			return S_BAD_REQUEST;
		buf += k;
		n -= (size_t)k;
	}
	return S_NONE;
}

/* Consume n bytes a peek has shown are there: one read, unless a signal
 * cut it short. */
static enum status
take_peeked(char *buf, size_t n, long long deadline)
{
	ssize_t k = recv(0, buf, n, MSG_DONTWAIT);

	if (k < 0)
		k = 0;
	return (size_t)k == n ? S_NONE
	                      : read_full(buf + k, n - (size_t)k, deadline);
}

enum kind { K_SOCKET, K_FILE, K_STREAM };

/* One read of what may be head: a peek on a socket (the body must stay
 * there for the script), a byte on a pipe, a block from a file. */
static ssize_t
read_some(enum kind kind, char *buf, size_t room, long long deadline,
          enum status *s)
{
	ssize_t n;

	*s = S_NONE;
	if (kind == K_SOCKET) {
		n = recv(0, buf, room, MSG_PEEK | MSG_DONTWAIT);
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return n;
	}
	if (kind != K_FILE && (*s = wait_readable(0, deadline)))
		return -1;
	if (kind == K_SOCKET)
		return recv(0, buf, room, MSG_PEEK | MSG_DONTWAIT);
	return read(0, buf, kind == K_STREAM ? 1 : room);
}

/* Of the n bytes read_some gave at buf, keep the first take: consume them
 * from a socket (they were only looked at), give the rest back to a file. */
static enum status
keep(enum kind kind, char *buf, size_t take, size_t n, long long deadline)
{
	if (kind == K_SOCKET && take_peeked(buf, take, deadline))
		return S_BAD_REQUEST;	/* what was peeked is gone: a reset */
	if (kind == K_FILE && take < n &&
	    lseek(0, (off_t)take - (off_t)n, SEEK_CUR) < 0)
		return S_INTERNAL_ERROR;
	return S_NONE;
}

static enum kind
input_kind(const struct request *r)
{
	struct stat st;

	if (r->in_sock)
		return K_SOCKET;
	return fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? K_FILE : K_STREAM;
}

/* Read the request head from fd 0 without consuming a byte of the body. */
enum status
http_read_head(struct request *r, long long deadline)
{
	struct scan sc = { 0 };
	enum kind kind = input_kind(r);
	enum status s;
	size_t len = 0, end = 0;

	while (!end) {
		ssize_t n = read_some(kind, r->head + len, HEAD_MAX - len,
		                      deadline, &s);
		size_t take;

		if (s)
			return s;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		/* a partial head, then EOF: malformed */
		if (n == 0 && sc.started)
			return S_BAD_REQUEST;
		if (n <= 0)	/* nothing was asked, or a reset */
			return http_gone(r);
		end = scan_head(&sc, r->head, len + (size_t)n);
		take = end ? end - len : (size_t)n;
		if ((s = keep(kind, r->head + len, take, (size_t)n, deadline)))
			return s == S_INTERNAL_ERROR ? s : http_gone(r);
		len += take;
		if (!end && (s = scan_limits(&sc, len)))
			return s;
	}
	r->headlen = len;
	r->head[len] = '\0';
	return S_NONE;
}

/* ---- the PROXY protocol (HAProxy's, v1 and v2) --------------------------- */

/* Address text as CGI wants it: IPv6 without brackets, v4-mapped as IPv4. */
bool
sockaddr_text(const struct sockaddr_storage *ss, char *addr, size_t alen,
                   char *port, size_t plen)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, addr, (socklen_t)alen);
		snprintf(port, plen, "%u", ntohs(in->sin_port));
		return true;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		        (const struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], addr,
			          (socklen_t)alen);
		else
			inet_ntop(AF_INET6, &in6->sin6_addr, addr,
			          (socklen_t)alen);
		snprintf(port, plen, "%u", ntohs(in6->sin6_port));
		return true;
	}
	return false;
}

/* One end's address from binary (v2) or text (v1) form into the request. */
static void
set_end(int family, const void *addr, unsigned port, char *text, size_t tlen,
        char *ptext, size_t plen)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };

	if (family == AF_INET) {
		memcpy(&((struct sockaddr_in *)&ss)->sin_addr, addr, 4);
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	} else {
		memcpy(&((struct sockaddr_in6 *)&ss)->sin6_addr, addr, 16);
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	}
	sockaddr_text(&ss, text, tlen, ptext, plen);
}

static bool
parse_port(const char *s, unsigned *port)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 5 || s[n] || (n > 1 && s[0] == '0'))
		return false;
	*port = (unsigned)atoi(s);
	return *port <= 65535;
}

/* v1: "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n", or "PROXY UNKNOWN ...". */
static enum status
proxy_v1(struct request *r, long long deadline)
{
	char line[108] = "PROXY", *f[7], *save = NULL, *nl = NULL;
	unsigned char src[16], dst[16];
	unsigned sport, dport;
	size_t n = 5, nf = 0;
	enum kind kind = input_kind(r);
	enum status s;
	int family;

	/* to the newline and no further: the HTTP head follows */
	while (!nl) {
		ssize_t k = read_some(kind, line + n, sizeof(line) - 1 - n,
		                      deadline, &s);
		size_t take;

		if (s)
			return s;
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k <= 0)
			return S_BAD_REQUEST;
		nl = memchr(line + n, '\n', (size_t)k);
		take = nl ? (size_t)(nl - (line + n)) + 1 : (size_t)k;
		if ((s = keep(kind, line + n, take, (size_t)k, deadline)))
			return s == S_INTERNAL_ERROR ? s : http_gone(r);
		n += take;
		if (!nl && n == sizeof(line) - 1)
			return S_BAD_REQUEST;
	}
	if (line[n - 2] != '\r' || line[5] != ' ')
		return S_BAD_REQUEST;
	line[n - 2] = '\0';
	if (strstr(line, "  ") || line[n - 3] == ' ')
		return S_BAD_REQUEST;	/* single spaces only */
	if (!strncmp(line, "PROXY UNKNOWN", 13) &&
	    (!line[13] || line[13] == ' '))
		return S_NONE;	/* the connection's own addresses stand */
	for (char *t = strtok_r(line, " ", &save); t && nf < 7;
	     t = strtok_r(NULL, " ", &save))
		f[nf++] = t;
	family = nf == 6 && !strcmp(f[1], "TCP4") ? AF_INET :
	         nf == 6 && !strcmp(f[1], "TCP6") ? AF_INET6 : 0;
	if (!family || inet_pton(family, f[2], src) != 1 ||
	    inet_pton(family, f[3], dst) != 1 || !parse_port(f[4], &sport) ||
	    !parse_port(f[5], &dport))
		return S_BAD_REQUEST;
	set_end(family, src, sport, r->peer_addr, sizeof(r->peer_addr),
	        r->peer_port, sizeof(r->peer_port));
	set_end(family, dst, dport, r->local_addr, sizeof(r->local_addr),
	        r->local_port, sizeof(r->local_port));
	return S_NONE;
}

/* v2's TLVs (type, 16-bit length, value): whether PP2_TYPE_SSL (0x20) says
 * the client came over TLS, PP2_CLIENT_SSL (0x01) in its first byte, the
 * client field. Only the bytes kept are looked at: that field leads its
 * TLV, whatever sub-TLVs (certificate names) follow it. */
static bool
proxy_v2_tls(const unsigned char *p, size_t len)
{
	enum { PP2_TYPE_SSL = 0x20, PP2_CLIENT_SSL = 0x01 };

	while (len >= 3) {
		size_t n = (size_t)p[1] << 8 | p[2];
		if (p[0] == PP2_TYPE_SSL && len > 3 && n >= 1)
			return p[3] & PP2_CLIENT_SSL;
		if (n > len - 3)
			break;
		p += 3 + n;
		len -= 3 + n;
	}
	return false;
}

/* v2: the 12-byte signature, version 2, LOCAL or PROXY, a family, a
 * length, the addresses, then TLVs: of those only PP2_TYPE_SSL is read. */
static enum status
proxy_v2(struct request *r, const char *start, long long deadline)
{
	static const unsigned char sig[12] = "\r\n\r\n\0\r\nQUIT\n";
	unsigned char h[16 + PROXY_V2_MAX];
	size_t len, kept, alen;
	enum status s;
	int family;

	memcpy(h, start, 5);
	if ((s = read_full((char *)h + 5, 11, deadline)))
		return s;
	if (memcmp(h, sig, sizeof(sig)) || (h[12] & 0xf0) != 0x20 ||
	    (h[12] & 0x0f) > 1)
		return S_BAD_REQUEST;
	len = (size_t)h[14] << 8 | h[15];
	if ((s = read_full((char *)h + 16,
	                   len < PROXY_V2_MAX ? len : PROXY_V2_MAX, deadline)))
		return s;
	for (size_t left = len > PROXY_V2_MAX ? len - PROXY_V2_MAX : 0;
	     left > 0;) {
		/* TLVs beyond what is kept (an SSL client's), dropped */
		char tlv[1024];
		size_t k = left < sizeof(tlv) ? left : sizeof(tlv);
		if ((s = read_full(tlv, k, deadline)))
			return s;
		left -= k;
	}
	kept = len < PROXY_V2_MAX ? len : PROXY_V2_MAX;
	if ((h[12] & 0x0f) == 0 || h[13] == 0x00)
		return S_NONE;	/* LOCAL, UNSPEC: the connection's own */
	/* UNIX: its own addresses; TLVs after 216 */
	if ((h[13] >> 4) == 3) {
		r->tls = kept > 216 && proxy_v2_tls(h + 16 + 216, kept - 216);
		return S_NONE;
	}
	if ((h[13] >> 4) == 1) {
		family = AF_INET;
		alen = 4;
	} else if ((h[13] >> 4) == 2) {
		family = AF_INET6;
		alen = 16;
	} else {
		return S_BAD_REQUEST;
	}
	if (((h[13] & 0x0f) != 1 && (h[13] & 0x0f) != 2) || len < 2 * alen + 4)
		return S_BAD_REQUEST;
	r->tls = proxy_v2_tls(h + 16 + 2 * alen + 4, kept - (2 * alen + 4));
	set_end(family, h + 16,
	        (unsigned)h[16 + 2 * alen] << 8 | h[17 + 2 * alen],
	        r->peer_addr, sizeof(r->peer_addr), r->peer_port,
	        sizeof(r->peer_port));
	set_end(family, h + 16 + alen,
	        (unsigned)h[18 + 2 * alen] << 8 | h[19 + 2 * alen],
	        r->local_addr, sizeof(r->local_addr), r->local_port,
	        sizeof(r->local_port));
	return S_NONE;
}

/* --proxy-protocol: the balancer's header comes first, and the client's
 * address is taken from it. Absent or malformed: 400. */
enum status
http_read_proxy(struct request *r, long long deadline)
{
	char start[5];
	enum status s;

	/* a probe that said nothing has gone */
	if ((s = read_full(start, 1, deadline)))
		return s == S_BAD_REQUEST ? http_gone(r) : s;
	if ((s = read_full(start + 1, 4, deadline)))
		return s;
	if (!memcmp(start, "PROXY", 5))
		s = proxy_v1(r, deadline);
	else if (!memcmp(start, "\r\n\r\n\0", 5))
		s = proxy_v2(r, start, deadline);
	else
		s = S_BAD_REQUEST;
	if (s == S_BAD_REQUEST)
		return http_fail(r, s, "Bad PROXY protocol header");
	return s;
}

/* ---- parsing ------------------------------------------------------------- */

static bool
is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* How many bytes of a token (RFC 9110 5.6.2) begin s. */
size_t
http_token_len(const char *s)
{
	size_t n = 0;

	while (is_tchar((unsigned char)s[n]))
		n++;
	return n;
}

bool
http_is_token(const char *s)
{
	size_t n = http_token_len(s);

	return n > 0 && !s[n];
}

/* A field value's bytes: VCHAR, obs-text, SP and HTAB (RFC 9110 5.5). */
static bool
is_field_value(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (http_is_ctl(c) && c != '\t')
			return false;
	}
	return true;
}

static enum status
parse_version(struct request *r)
{
	const char *v = r->version;

	if (strlen(v) != 8 || strncmp(v, "HTTP/", 5) != 0 ||
	    !isdigit((unsigned char)v[5]) || v[6] != '.' ||
	    !isdigit((unsigned char)v[7]))
		return http_fail(r, S_BAD_REQUEST,
		                 "Bad request version ('%.64s')", v);
	r->major = v[5] - '0';
	r->minor = v[7] - '0';
	if (r->major != 1)
		return http_fail(r, S_VERSION_NOT_SUPPORTED,
		                 "Invalid HTTP version (%d.%d)",
		                 r->major, r->minor);
	return S_NONE;
}

/* "METHOD SP TARGET SP HTTP/x.y", or HTTP/0.9's "GET SP TARGET". */
static enum status
parse_request_line(struct request *r, char *b)
{
	char *sp1, *sp2;

	for (const char *p = b; *p; p++)
		if (http_is_ctl((unsigned char)*p))
			return S_BAD_REQUEST;
	if (!(sp1 = strchr(b, ' ')))
		return S_BAD_REQUEST;
	*sp1 = '\0';
	r->method_name = b;
	r->target = sp1 + 1;
	if ((sp2 = strchr(r->target, ' '))) {
		*sp2 = '\0';
		r->version = sp2 + 1;
		if (strchr(r->version, ' '))
			return S_BAD_REQUEST;
	}
	if (!http_is_token(r->method_name) || !*r->target)
		return S_BAD_REQUEST;
	if (!strcmp(r->method_name, "GET"))
		r->method = M_GET;
	else if (!strcmp(r->method_name, "HEAD"))
		r->method = M_HEAD;
	else if (!strcmp(r->method_name, "POST"))
		r->method = M_POST;
	if (!sp2) {
		r->http09 = true;
		r->major = 0;
		r->minor = 9;
		r->version = "HTTP/0.9";
		if (r->method != M_GET)
			return http_fail(r, S_BAD_REQUEST,
			                 "Bad HTTP/0.9 request type ('%.64s')",
			                 r->method_name);
		return S_NONE;
	}
	return parse_version(r);
}

/* One "name: value" line, split in place: the name a token (so no
 * obs-fold, no space before the colon), the value's OWS trimmed and its
 * bytes a field value's. The one splitter of the request's head and a
 * script's (-P); each caller keeps its own policy. False if malformed. */
bool
http_split_field(char *line, struct field *f)
{
	char *colon = strchr(line, ':'), *v, *e;

	if (!colon)
		return false;
	*colon = '\0';
	if (!http_is_token(line))
		return false;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (!is_field_value(v))
		return false;
	*f = (struct field){ line, v };
	return true;
}

/* A request's field: 431 past HDR_FIELDS_MAX, no Shellshock value. */
static enum status
parse_field(struct request *r, char *line)
{
	struct field f;

	if (r->nfields == HDR_FIELDS_MAX)
		return S_HEADERS_TOO_LARGE;
	if (!http_split_field(line, &f) || !strncmp(f.value, "() {", 4))
		return S_BAD_REQUEST;
	r->fields[r->nfields++] = f;
	return S_NONE;
}

const char *
http_field(const struct request *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcasecmp(r->fields[i].name, name))
			return r->fields[i].value;
	return NULL;
}

static size_t
count_fields(const struct request *r, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfields; i++)
		n += !strcasecmp(r->fields[i].name, name);
	return n;
}

/* RFC 3986's unreserved and sub-delims: a reg-name's bytes, but '%'. */
static bool
is_host_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("-._~!$&'()*+,;=", c));
}

/* The inside of an IP-literal's brackets: an IPv6address, whose grammar
 * (one "::" at most, h16 groups and their count, a trailing IPv4) is
 * inet_pton's, or an IPvFuture: "v" HEXDIG "." then its own bytes. */
static bool
is_ip_literal(const char *s, size_t n)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t hex;

	if (n > 0 && (*s == 'v' || *s == 'V')) {
		hex = strspn(s + 1, "0123456789abcdefABCDEF");
		if (hex == 0 || hex + 2 >= n || s[hex + 1] != '.')
			return false;
		for (size_t i = hex + 2; i < n; i++)
			if (!is_host_char((unsigned char)s[i]) && s[i] != ':')
				return false;
		return true;
	}
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/* Where the reg-name at s ends (at ':' or the string's end), or NULL at a
 * byte it may not hold: unreserved, pct-encoded, sub-delims. */
static const char *
reg_name_end(const char *s)
{
	while (*s && *s != ':') {
		if (*s == '%' && hexval((unsigned char)s[1]) >= 0 &&
		    hexval((unsigned char)s[2]) >= 0)
			s += 3;
		else if (is_host_char((unsigned char)*s))
			s++;
		else
			return NULL;
	}
	return s;
}

/* uri-host [ ":" port ] (RFC 3986 3.2.2-3.2.3): an IP-literal in brackets
 * or a reg-name (an IPv4address is one); the port all digits, maybe none,
 * but its colon there when need_port (CONNECT's authority-form). */
static bool
is_host(const char *h, bool need_port)
{
	const char *p, *e;

	if (*h == '[') {
		e = strchr(h, ']');
		if (!e || !is_ip_literal(h + 1, (size_t)(e - h - 1)))
			return false;
		p = e + 1;
	} else if (!(p = reg_name_end(h))) {
		return false;
	}
	if (*p == ':')
		p += 1 + strspn(p + 1, "0123456789");
	else if (need_port)
		return false;
	return *p == '\0';
}

/* CONNECT's authority-form (RFC 9112 3.2.3): host ":" port, neither of
 * them empty (RFC 9110 9.3.6). */
static bool
is_authority_form(const char *t)
{
	size_t n = strlen(t);

	return n > 0 && *t != ':' && t[n - 1] != ':' && is_host(t, true);
}

/* origin-form, or absolute-form whose authority then stands for Host; the
 * authority-form only for CONNECT and the asterisk-form only for OPTIONS
 * (3.2.3, 3.2.4), both valid but then not implemented. */
static enum status
parse_target(struct request *r)
{
	char *t = r->target, *rest;
	size_t skip;

	if (!strcmp(r->method_name, "CONNECT"))
		return is_authority_form(t) ? S_NONE : S_BAD_REQUEST;
	if (!strcmp(t, "*")) {
		bool options = !strcmp(r->method_name, "OPTIONS");
		return options ? S_NONE : S_BAD_REQUEST;
	}
	if (*t == '/')
		return S_NONE;
	if (!strncasecmp(t, "http://", 7))
		skip = 7;
	else if (!strncasecmp(t, "https://", 8))
		skip = 8;
	else
		return S_BAD_REQUEST;
	rest = t + skip + strcspn(t + skip, "/?");
	if (rest == t + skip || t[skip] == ':' ||
	    memchr(t + skip, '@', (size_t)(rest - t - skip)))
		return S_BAD_REQUEST;	/* no host (RFC 9110 4.2.1), userinfo */
	/* Move the authority down to make room for its terminator. */
	memmove(t, t + skip, (size_t)(rest - t - skip));
	t[rest - t - skip] = '\0';
	r->host = t;
	if (*rest == '/') {
		r->target = rest;
	} else {
		/* "http://h" or "http://h?q": the path is "/" */
		r->target = rest - 1;
		memmove(r->target + 1, rest, strlen(rest) + 1);
		r->target[0] = '/';
	}
	return is_host(r->host, false) ? S_NONE : S_BAD_REQUEST;
}

/* A Content-Length value, the request's or a script's: digits only, any
 * number of them (RFC 9110 8.6), within off_t. False if not one. */
bool
http_parse_length(const char *v, off_t *len)
{
	off_t n = 0;

	if (!*v || strspn(v, "0123456789") != strlen(v))
		return false;
	v += strspn(v, "0");
	if (strlen(v) > 18)
		return false;	/* beyond off_t */
	for (; *v; v++)
		n = n * 10 + (*v - '0');
	*len = n;
	return true;
}

/* Every Content-Length line: one value, however often it is given. */
static enum status
parse_content_length(struct request *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		off_t n;

		if (strcasecmp(r->fields[i].name, "Content-Length"))
			continue;
		if (!http_parse_length(r->fields[i].value, &n) ||
		    (r->content_length >= 0 && r->content_length != n))
			return S_BAD_REQUEST;
		r->content_length = n;
	}
	return S_NONE;
}

/* Only "chunked", once and last, is understood (RFC 9112 6.1). */
static enum status
parse_transfer_coding(struct request *r)
{
	size_t codings = 0;

	for (size_t i = 0; i < r->nfields; i++) {
		char *v = r->fields[i].value, *tok, *save = NULL;
		char copy[HDR_LINE_MAX + 1];

		if (strcasecmp(r->fields[i].name, "Transfer-Encoding"))
			continue;
		snprintf(copy, sizeof(copy), "%s", v);
		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			tok += strspn(tok, " \t");
			tok[strcspn(tok, " \t")] = '\0';
			if (!*tok)	/* an empty list element */
				continue;
			if (r->chunked)
				return S_BAD_REQUEST;	/* chunked not last */
			if (strcasecmp(tok, "chunked"))
				return http_fail(r, S_NOT_IMPLEMENTED,
				                 "Unsupported transfer coding");
			r->chunked = true;
			codings++;
		}
	}
	if (codings == 0 && count_fields(r, "Transfer-Encoding"))
		return S_BAD_REQUEST;
	if (r->chunked && (r->content_length >= 0 || r->major == 0 ||
	                   r->minor == 0))
		return S_BAD_REQUEST;	/* smuggling shapes; TE is 1.1 only */
	return S_NONE;
}

static enum status
check_fields(struct request *r)
{
	const char *expect = http_field(r, "Expect");
	size_t hosts = count_fields(r, "Host");
	enum status s;

	if (hosts > 1 || (hosts == 0 && r->major == 1 && r->minor >= 1))
		return S_BAD_REQUEST;
	if (!r->host && hosts)
		r->host = http_field(r, "Host");
	if (r->host && !is_host(r->host, false))
		return S_BAD_REQUEST;
	if ((s = parse_content_length(r)) || (s = parse_transfer_coding(r)))
		return s;
	if (expect && r->minor >= 1) {
		if (strcasecmp(expect, "100-continue") ||
		    count_fields(r, "Expect") > 1)
			return S_EXPECTATION_FAILED;
		r->expect_continue = true;
	}
	return S_NONE;
}

enum status
http_parse_head(struct request *r)
{
	char *p = r->head, *end = r->head + r->headlen, *eol, *le;
	enum status s;

	r->content_length = -1;
	/* a NUL anywhere; a flood of empty lines */
	if (memchr(r->head, '\0', r->headlen) || strspn(p, "\r\n") > 8)
		return S_BAD_REQUEST;
	p += strspn(p, "\r\n");
	eol = memchr(p, '\n', (size_t)(end - p));
	le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
	if (le - p > REQ_LINE_MAX)
		return S_URI_TOO_LONG;
	*le = '\0';
	memcpy(r->line, p, (size_t)(le - p) + 1);
	if ((s = parse_request_line(r, p)))
		return s;
	for (p = eol + 1; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
		if (le == p)
			break;	/* the empty line: end of the head */
		if (le - p > HDR_LINE_MAX)
			return S_HEADERS_TOO_LARGE;
		*le = '\0';
		if ((s = parse_field(r, p)))
			return s;
	}
	if ((s = parse_target(r)) || (s = check_fields(r)))
		return s;
	r->body_unread = r->content_length > 0 || r->chunked;
	if (r->method == M_OTHER)
		return http_fail(r, S_NOT_IMPLEMENTED,
		                 "Unsupported method ('%.64s')",
		                 r->method_name);
	return S_NONE;
}

/* ---- the path ------------------------------------------------------------ */

int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The one percent-decoder (a path, a search word), strict: %XX only, no
 * control byte, raw or decoded (so no %00); 404 for a %2F unless slash_ok
 * (an encoded / in a path is no separator, as bozohttpd). dst may be src. */
enum status
http_percent_decode(char *dst, const char *src, bool slash_ok)
{
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;

		if (c == '%') {
			int hi = hexval((unsigned char)src[1]), lo;
			if (hi < 0 || (lo = hexval((unsigned char)src[2])) < 0)
				return S_BAD_REQUEST;
			c = (unsigned char)(hi * 16 + lo);
			src += 2;
			if (c == '/' && !slash_ok)
				return S_NOT_FOUND;
		}
		if (http_is_ctl(c))
			return S_BAD_REQUEST;
		*dst++ = (char)c;
	}
	*dst = '\0';
	return S_NONE;
}

/* Resolve ".", ".." and empty components in place; "/x/.." is "/". A ".."
 * above the root is refused rather than clamped: only an attack sends it. */
static enum status
collapse(char *path)
{
	char *in = path, *out = path;
	bool dir = false;

	while (*in) {
		char *seg = in + strspn(in, "/");
		size_t n = strcspn(seg, "/");

		in = seg + n;
		dir = n == 0 || (n == 1 && seg[0] == '.') ||
		      (n == 2 && seg[0] == '.' && seg[1] == '.');
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out == path)
				return S_BAD_REQUEST;
			while (*--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == path || dir)
		*out++ = '/';
	*out = '\0';
	return S_NONE;
}

/* Target to path: drop "#fragment", split "?query", decode, collapse. */
enum status
http_decode_path(struct request *r)
{
	char *q;
	enum status s;

	r->target[strcspn(r->target, "#")] = '\0';
	if ((q = strchr(r->target, '?'))) {
		*q = '\0';
		r->query = q + 1;
	}
	if ((s = http_percent_decode(r->path, r->target, false)))
		return s;
	return collapse(r->path);
}

/* ---- responses ----------------------------------------------------------- */

/* v in base 10 or 16 at p, no NUL; returns the end. perf: the hot path's
 * numbers, where printf would cost more than the rest of a request (with
 * http_date and http_head_cat, a small file's user-space instructions went
 * from 42k to 19k, 3c2ba39). */
char *
put_number(char *p, unsigned long long v, unsigned base, int width)
{
	char tmp[24], *t = tmp + sizeof(tmp);

	do
		*--t = "0123456789abcdef"[v % base];
	while ((v /= base) || tmp + sizeof(tmp) - t < width);
	memcpy(p, t, (size_t)(tmp + sizeof(tmp) - t));
	return p + (tmp + sizeof(tmp) - t);
}

/* v in decimal, as a string in buf. */
const char *
decimal(char buf[24], unsigned long long v)
{
	*put_number(buf, v, 10, 1) = '\0';
	return buf;
}

/* IMF-fixdate (RFC 9110 5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT": a fixed
 * form of C-locale names and two-digit fields (perf: strftime costs a
 * third of a small request's instructions). A year beyond 9999 is the
 * epoch. */
void
http_date(time_t t, char out[30])
{
	static const char days[] = "SunMonTueWedThuFriSat",
	                  months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;
	char *p = out;

	if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	p = mempcpy(p, days + 3 * tm.tm_wday, 3);
	p = mempcpy(p, ", ", 2);
	p = put_number(p, (unsigned)tm.tm_mday, 10, 2);
	*p++ = ' ';
	p = mempcpy(p, months + 3 * tm.tm_mon, 3);
	*p++ = ' ';
	p = put_number(p, (unsigned)tm.tm_year + 1900, 10, 4);
	*p++ = ' ';
	p = put_number(p, (unsigned)tm.tm_hour, 10, 2);
	*p++ = ':';
	p = put_number(p, (unsigned)tm.tm_min, 10, 2);
	*p++ = ':';
	p = put_number(p, (unsigned)tm.tm_sec, 10, 2);
	memcpy(p, " GMT", 5);
}

/* Append the strings, up to a NULL (http_head_cat adds it). */
void
http_head_catv(struct resp_head *h, ...)
{
	const char *s;
	va_list ap;

	va_start(ap, h);
	while ((s = va_arg(ap, const char *))) {
		size_t n = strlen(s);

		if (n >= sizeof(h->buf) - h->len) {
			h->overflow = true;
			break;
		}
		memcpy(h->buf + h->len, s, n);
		h->len += n;
	}
	va_end(ap);
}

void
http_head_add(struct resp_head *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(h->buf + h->len, sizeof(h->buf) - h->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(h->buf) - h->len)
		h->overflow = true;
	else
		h->len += (size_t)n;
}

void
http_head_begin(struct resp_head *h, struct request *r, int status,
                const char *reason)
{
	char date[30], code[24];

	h->len = 0;
	h->overflow = false;
	r->status = status;
	http_date(r->now, date);
	http_head_cat(h, "HTTP/1.0 ", decimal(code, (unsigned)status), " ",
	              reason ? reason : http_reason(status),
	              "\r\nServer: cgiinetd/" VERSION "\r\nDate: ", date,
	              "\r\n");
}

/* Finish and send the head; HTTP/0.9 gets none. */
int
http_head_send(struct request *r, struct resp_head *h, bool body_follows)
{
	http_head_cat(h, "\r\n");
	if (h->overflow)
		return -1;
	if (r->http09)
		return 0;
	return http_send(r, h->buf, h->len, body_follows);
}

/* The one HTML escaper, for error pages and listings: html.escape(s,
 * quote=False) of s's n bytes at d, a control byte '?', nothing raw. d has
 * room for 5 * n bytes; returns the end (no NUL). */
char *
html_escape(char *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (html_plain(c))
			*d++ = (char)c;
		else if (c == '&')
			d = mempcpy(d, "&amp;", 5);
		else if (c == '<' || c == '>')
			d = mempcpy(d, c == '<' ? "&lt;" : "&gt;", 4);
		else
			*d++ = '?';
	}
	return d;
}

/* The one place an error page is made: Python's shape, nothing raw. */
void
http_send_error(struct request *r, enum status s)
{
	char msg[MSG_MAX * 6 + 8], body[MSG_MAX * 6 + 1024];
	const char *text;
	struct resp_head *h = &r->resp;
	int blen;
	bool with_body = r->method != M_HEAD;

	text = r->msg[0] ? r->msg : http_reason((int)s);
	*html_escape(msg, text, strnlen(text, (sizeof(msg) - 1) / 5)) = '\0';
	blen = snprintf(body, sizeof(body),
	                "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n"
	                "        <meta charset=\"utf-8\">\n"
	                "        <title>Error response</title>\n    </head>\n"
	                "    <body>\n        <h1>Error response</h1>\n"
	                "        <p>Error code: %d</p>\n"
	                "        <p>Message: %s.</p>\n"
	                "        <p>Error code explanation: %d - %s.</p>\n"
	                "    </body>\n</html>\n",
	                (int)s, msg, (int)s, explanation((int)s));
	http_head_begin(h, r, (int)s, NULL);
	http_head_add(h, "Connection: close\r\n%s"
	              "Content-Type: text/html;charset=utf-8\r\n"
	              "Content-Length: %d\r\n", r->extra_header, blen);
	if (http_head_send(r, h, with_body) < 0 || !with_body)
		return;
	if (http_send(r, body, (size_t)blen, false) == 0)
		r->body_sent = blen;
}

/* ---- the openat2 primitive ----------------------------------------------- */

/* Open path beneath dirfd, with RESOLVE_BENEATH unless --follow-symlinks,
 * and the resolve flags given: the kernel, not this code, keeps it there.
 * The path itself never holds "..". A ".." in a symlink on the way fails
 * with EAGAIN while a rename anywhere on the machine races it: tried again,
 * OPEN_TRIES times at most. */
int
open_beneath(const struct server *sv, int dirfd, const char *path, int flags,
             uint64_t resolve)
{
	struct open_how how = {
	        .flags = (uint64_t)(flags | O_CLOEXEC |
	                            (flags & O_PATH ? 0 : O_NOCTTY)),
	        .resolve = resolve | RESOLVE_NO_MAGICLINKS |
	                   (sv->follow_symlinks ? 0 : RESOLVE_BENEATH),
	};
	const char *rel = path + strspn(path, "/");
	int fd, tries = 0;

	while ((fd = (int)syscall(SYS_openat2, dirfd, *rel ? rel : ".", &how,
	                          sizeof(how))) < 0 &&
	       errno == EAGAIN && ++tries < OPEN_TRIES)
		;
	return fd;
}

/* Open path (absolute in URL space) beneath the document root. */
int
open_root(const struct server *sv, const char *path, int flags)
{
	return open_beneath(sv, sv->rootfd, path, flags, 0);
}

