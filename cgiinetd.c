/*
 * cgiinetd: Python's CGIHTTPServer as a single-request program for inetd,
 * xinetd, systemd socket activation and the like. Reads one request on
 * fd 0, answers on fd 1, then exits, or becomes the CGI script.
 *
 * This file: options, finding the connection, privileges, the request's
 * route and logging. The wire is http.c's, the scripts cgi.c's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <link.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "cgi.h"
#include "file.h"

enum {
	OPT_CGI_TIMEOUT = 256,
	OPT_CHROOT,
	OPT_FOLLOW,
	OPT_NO_LISTING,
	OPT_PASS_AUTH,
	OPT_MAX_BODY,
	OPT_DOTFILES,
	OPT_PROXY,
	OPT_HTTPS,
	OPT_CGI_EXT,
	OPT_SCRIPT,
	OPT_HELP,
	OPT_VERSION
};

static const struct option long_options[] = {
	{ "directory", required_argument, NULL, 'd' },
	{ "cgi-dirs", required_argument, NULL, 'c' },
	{ "user", required_argument, NULL, 'u' },
	{ "timeout", required_argument, NULL, 't' },
	{ "cgi-timeout", required_argument, NULL, OPT_CGI_TIMEOUT },
	{ "parse-headers", no_argument, NULL, 'P' },
	{ "chroot", no_argument, NULL, OPT_CHROOT },
	{ "follow-symlinks", no_argument, NULL, OPT_FOLLOW },
	{ "no-listing", no_argument, NULL, OPT_NO_LISTING },
	{ "log", required_argument, NULL, 'l' },
	{ "pass-auth", no_argument, NULL, OPT_PASS_AUTH },
	{ "max-body", required_argument, NULL, OPT_MAX_BODY },
	{ "dotfiles", no_argument, NULL, OPT_DOTFILES },
	{ "proxy-protocol", no_argument, NULL, OPT_PROXY },
	{ "https", no_argument, NULL, OPT_HTTPS },
	{ "cgi-ext", required_argument, NULL, OPT_CGI_EXT },
	{ "script", required_argument, NULL, OPT_SCRIPT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: cgiinetd [options] [DIR]\n"
"Answer one HTTP request on stdin/stdout: a file from DIR, or a CGI script.\n"
"\n"
"  -d, --directory DIR   document root (default: the current directory)\n"
"  -c, --cgi-dirs LIST   CGI directories, comma-separated (/cgi-bin,/htbin)\n"
"  -u, --user USER       account (or UID:GID) to become when root (nobody)\n"
"  -t, --timeout SECS    limit for receiving the request head (30)\n"
"      --cgi-timeout SECS  wall-clock limit for a script, 0: none (300)\n"
"  -P, --parse-headers   parse the script's head: Status, Location (RFC 3875)\n"
"      --chroot          chroot into the document root (root only)\n"
"      --follow-symlinks allow symlinks leading out of the document root\n"
"      --no-listing      403 instead of directory listings\n"
"  -l, --log DEST        syslog, stderr, none, or a file to append to\n"
"  -e NAME[=VALUE]       pass or set a variable for scripts (repeatable)\n"
"      --pass-auth       give scripts the Authorization header\n"
"      --max-body BYTES  largest chunked request body spooled (1 GiB)\n"
"      --dotfiles        serve names beginning with '.'\n"
"      --proxy-protocol  a PROXY v1/v2 header first gives the client address\n"
"      --https           the launcher terminates TLS: scripts get HTTPS=on\n"
"      --cgi-ext .EXT[=PROGRAM]  files ending in .EXT are scripts (run by\n"
"                        PROGRAM FILE if given); repeatable\n"
"      --script /URL=PROGRAM  /URL and below run PROGRAM; repeatable\n"
"      --help, --version\n";

/* The one way out at start-up (a bad command line, a root, user or log
 * that cannot be had): one line on stderr and exit 2; when standard
 * output is a socket, the client gets a 500 page and the log (syslog
 * before the options are read, sv NULL) the message. */
static noreturn void __attribute__((format(printf, 3, 4)))
fatal(struct request *r, const struct server *sv, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->out_sock) {
		if (sv)
			log_error(sv, "%s", msg);
		else
			syslog(LOG_DAEMON | LOG_ERR, "cgiinetd: %s", msg);
		http_send_error(r, S_INTERNAL_ERROR);
	} else {
		fprintf(stderr, "cgiinetd: %s\nTry 'cgiinetd --help'.\n", msg);
	}
	exit(2);
}

static long long
parse_number(struct request *r, const char *s, const char *what, long long min,
             long long max)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || end == s || *end || n < min || n > max)
		fatal(r, NULL, "%s must be a number from %lld to %lld: '%s'",
		            what, min, max, s);
	return n;
}

static void
parse_cgi_dirs(struct request *r, struct server *sv, char *list)
{
	char *save = NULL;

	sv->ncgi_dirs = 0;
	for (char *d = strtok_r(list, ",", &save); d;
	     d = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			d[--n] = '\0';
		if (d[0] != '/' || n < 2 || strstr(d, "/.") || strstr(d, "//"))
			fatal(r, NULL, "a CGI directory is a URL path like "
			      "/cgi-bin: '%s'", d);
		if (sv->ncgi_dirs == CGI_DIRS_MAX)
			fatal(r, NULL, "at most %d CGI directories",
			      CGI_DIRS_MAX);
		sv->cgi_dirs[sv->ncgi_dirs++] = d;
	}
	if (sv->ncgi_dirs == 0)
		fatal(r, NULL, "--cgi-dirs needs at least one directory");
}

static void
add_extra_env(struct request *r, struct server *sv, const char *arg)
{
	size_t n = strcspn(arg, "=");
	char *v;

	if (n == 0 ||
	    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                "0123456789_") != n ||
	    (arg[0] >= '0' && arg[0] <= '9'))
		fatal(r, NULL, "-e takes NAME or NAME=VALUE: '%s'", arg);
	if (sv->nextra_env == EXTRA_ENV_MAX)
		fatal(r, NULL, "at most %d -e options", EXTRA_ENV_MAX);
	if (!arg[n]) {		/* NAME alone: pass the server's own value */
		const char *val = getenv(arg);
		if (!val)
			return;
		if (asprintf(&v, "%s=%s", arg, val) < 0)
			fatal(r, NULL, "out of memory");
		arg = v;
	}
	sv->extra_env[sv->nextra_env++] = arg;
}

/* --cgi-ext .EXT[=PROGRAM]: an extension of name characters, and an
 * absolute program. */
static void
add_cgi_ext(struct request *r, struct server *sv, char *arg)
{
	char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);

	if (n < 2 || arg[0] != '.' ||
	    strspn(arg + 1,
	           "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	           "abcdefghijklmnopqrstuvwxyz0123456789_.-") != n - 1 ||
	    (eq && eq[1] != '/'))
		fatal(r, NULL, "--cgi-ext takes .EXT or .EXT=/PROGRAM: '%s'",
		      arg);
	if (sv->nexts == CGI_EXTS_MAX)
		fatal(r, NULL, "at most %d --cgi-ext options", CGI_EXTS_MAX);
	if (eq)
		*eq = '\0';
	sv->exts[sv->nexts++] = (struct cgi_ext){ .ext = arg, .len = n,
		.prog = { .path = eq ? eq + 1 : NULL, .fd = -1 } };
}

/* --script /URL=PROGRAM: a URL path as --cgi-dirs takes (or /), and an
 * absolute program. */
static void
add_script(struct request *r, struct server *sv, char *arg)
{
	char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;

	while (n > 1 && arg[n - 1] == '/')
		n--;
	if (!eq || arg[0] != '/' || eq[1] != '/' || eq[strlen(eq) - 1] == '/' ||
	    memmem(arg, n, "/.", 2) || memmem(arg, n, "//", 2) ||
	    memchr(arg, '%', n) || memchr(arg, '?', n))
		fatal(r, NULL, "--script takes /URL=/PROGRAM: '%s'", arg);
	if (sv->nscripts == SCRIPTS_MAX)
		fatal(r, NULL, "at most %d --script options", SCRIPTS_MAX);
	arg[n == 1 ? 0 : n] = '\0';	/* "/" matches every path: "" */
	sv->scripts[sv->nscripts++] = (struct script_alias){ .url = arg,
		.len = strlen(arg), .prog = { .path = eq + 1, .fd = -1 } };
}

static void
parse_log(struct request *r, struct server *sv, const char *dest)
{
	if (!strcmp(dest, "syslog"))
		sv->log = LOG_TO_SYSLOG;
	else if (!strcmp(dest, "stderr"))
		sv->log = LOG_TO_STDERR;
	else if (!strcmp(dest, "none"))
		sv->log = LOG_TO_NONE;
	else if (dest[0])
		sv->log = LOG_TO_FILE, sv->log_path = dest;
	else
		fatal(r, NULL, "--log takes syslog, stderr, none or a file");
}

static void
parse_options(struct request *r, struct server *sv, int argc, char *argv[])
{
	static char default_dirs[] = "/cgi-bin,/htbin";
	int c;

	*sv = (struct server){ .docroot = NULL, .user = "nobody", .timeout = 30,
	                       .cgi_timeout = 300, .max_body = 1LL << 30,
	                       .listing = true, .rootfd = -1, .logfd = -1,
	                       .procfd = -1, .spooldir = -1 };
	parse_cgi_dirs(r, sv, default_dirs);
	while ((c = getopt_long(argc, argv, "d:c:u:t:Pl:e:", long_options,
	                        NULL)) != -1) {
		switch (c) {
		case 'd': sv->docroot = optarg; break;
		case 'c': parse_cgi_dirs(r, sv, optarg); break;
		case 'u': sv->user = optarg; break;
		case 't':
			sv->timeout = (int)parse_number(r, optarg, "--timeout",
			                                1, 86400);
			break;
		case OPT_CGI_TIMEOUT:
			sv->cgi_timeout = (int)parse_number(
			        r, optarg, "--cgi-timeout", 0, 86400 * 7);
			break;
		case 'P': sv->parse_headers = true; break;
		case OPT_CHROOT: sv->chroot = true; break;
		case OPT_FOLLOW: sv->follow_symlinks = true; break;
		case OPT_NO_LISTING: sv->listing = false; break;
		case 'l': parse_log(r, sv, optarg); break;
		case 'e': add_extra_env(r, sv, optarg); break;
		case OPT_PASS_AUTH: sv->pass_auth = true; break;
		case OPT_MAX_BODY:
			sv->max_body = parse_number(r, optarg, "--max-body", 0,
			                            1LL << 50);
			break;
		case OPT_DOTFILES: sv->dotfiles = true; break;
		case OPT_PROXY: sv->proxy_protocol = true; break;
		case OPT_HTTPS: sv->https = true; break;
		case OPT_CGI_EXT: add_cgi_ext(r, sv, optarg); break;
		case OPT_SCRIPT: add_script(r, sv, optarg); break;
		/* on a connection, these are a configuration's mistake: no text
		 * that is not HTTP goes to a client */
		case OPT_HELP:
		case OPT_VERSION:
			if (r->out_sock)
				fatal(r, NULL,
				      "--help or --version given to a server");
			if (c == OPT_HELP)
				fputs(usage_text, stdout);
			else
				puts("cgiinetd " VERSION);
			exit(0);
		default: fatal(r, NULL, "unknown option");
		}
	}
	if (optind < argc - 1 || (optind < argc && sv->docroot))
		fatal(r, NULL,
		      "one document root, as -d DIR or as the operand");
	if (optind < argc)
		sv->docroot = argv[optind];
	if (!sv->docroot)
		sv->docroot = ".";
}

/* ---- the connection ------------------------------------------------------ */

/* Clear O_NONBLOCK if a launcher left it set: scripts expect blocking fds.
 * Returns the flags as they now are. */
static int
blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl &= ~O_NONBLOCK);
	return fl;
}

/* Make fds 0-2 safe to use: the connection on 0 and 1 (systemd's fd 3 moved
 * there), and fd 2 never the connection, or diagnostics would reach it.
 * Each is looked at once. */
static void
setup_fds(struct request *r)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	struct stat st[3];
	int null;

	if (fds && pid && !strcmp(fds, "1") && atol(pid) == (long)getpid()) {
		dup2(3, 0);
		dup2(3, 1);
		close(3);
	}
	if (fds || pid) {	/* not for a script (nor its children) */
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDNAMES");
	}
	/* one closed: /dev/null takes its place (open() takes the lowest
	 * free descriptor) */
	for (int fd = 0; fd <= 2; fd++)
		while (fstat(fd, &st[fd]) < 0)
			if ((null = open("/dev/null", O_RDWR)) != fd)
				_exit(2);
	if (S_ISSOCK(st[2].st_mode) && ((st[2].st_dev == st[0].st_dev &&
	    st[2].st_ino == st[0].st_ino) || (st[2].st_dev == st[1].st_dev &&
	    st[2].st_ino == st[1].st_ino))) {
		if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0 ||
		    dup2(null, 2) < 0)
			_exit(2);
		close(null);
	}
	r->in_sock = S_ISSOCK(st[0].st_mode);
	r->out_sock = S_ISSOCK(st[1].st_mode);
	r->out_pipe = S_ISFIFO(st[1].st_mode);
	if (r->in_sock)
		r->out_flags = blocking(0);
	/* one socket is one open file: its flags are already known */
	if (r->out_sock && !(r->in_sock && st[0].st_ino == st[1].st_ino &&
	                     st[0].st_dev == st[1].st_dev))
		r->out_flags = blocking(1);
}

/* A launcher's address variable as CGI shows it (IPv6 without brackets, as
 * socat writes it, v4-mapped as IPv4) and its port variable: false unless
 * the address is numeric; a missing or bad port is 0. */
static bool
env_address(const char *name, const char *pname, char *addr, size_t alen,
            char *port, size_t plen)
{
	const char *a = getenv(name), *p;
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	unsigned long n = 0;
	char text[INET6_ADDRSTRLEN + 2];
	size_t len;

	if (!a)
		return false;	/* perf: the port looked up only then */
	p = getenv(pname);
	len = strlen(a);
	if (a[0] == '[' && len > 2 && a[len - 1] == ']') {
		a++;
		len -= 2;
	}
	if (len >= sizeof(text))
		return false;
	memcpy(text, a, len);
	text[len] = '\0';
	if (p && *p && strlen(p) <= 5 && strspn(p, "0123456789") == strlen(p))
		n = strtoul(p, NULL, 10);
	if (n > 65535)
		n = 0;
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		in->sin_port = htons((uint16_t)n);
	} else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)n);
	} else {
		return false;
	}
	return sockaddr_text(&ss, addr, alen, port, plen);
}

/* Whether the environment holds a launcher's variable at all (REMOTE_*,
 * TCP*, SOCAT_*). perf: one pass, and without one none of the six
 * lookups (a small request in pipe mode: 20,576 to 19,358 user-space
 * instructions, callgrind). */
static bool
launcher_env(void)
{
	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, "REMOTE_", 7) || !strncmp(*e, "TCP", 3) ||
		    !strncmp(*e, "SOCAT_", 6))
			return true;
	return false;
}

/* The first launcher variable pair that holds a valid address and port. */
static void
address_from_env(const char *const names[][2], size_t n, char *addr,
                 size_t alen, char *port, size_t plen)
{
	if (!launcher_env())
		n = 0;
	for (size_t i = 0; i < n; i++)
		if (env_address(names[i][0], names[i][1], addr, alen, port,
		                plen))
			return;
	strcpy(addr, "127.0.0.1");	/* both hold any address's text */
	strcpy(port, "0");
}

/* stunnel runs its exec'd program on a loopback TCP pair of its own making
 * (INET_SOCKET_PAIR) and names the client in REMOTE_HOST and REMOTE_PORT.
 * When they name another end than the socket's loopback peer, the socket
 * is stunnel's: the client is theirs, and the local end is not the socket's.
 * (xinetd sets REMOTE_HOST alone, on its client's own socket.) */
static bool
stunnel_peer(struct request *r)
{
	char addr[INET6_ADDRSTRLEN], port[8];

	if (strncmp(r->peer_addr, "127.", 4) && strcmp(r->peer_addr, "::1"))
		return false;
	if (!env_address("REMOTE_HOST", "REMOTE_PORT", addr, sizeof(addr), port,
	                 sizeof(port)) || !strcmp(port, "0") ||
	    (!strcmp(addr, r->peer_addr) && !strcmp(port, r->peer_port)))
		return false;
	snprintf(r->peer_addr, sizeof(r->peer_addr), "%s", addr);
	snprintf(r->peer_port, sizeof(r->peer_port), "%s", port);
	return true;
}

static void
find_addresses(struct request *r)
{
	static const char *const peer_env[][2] = {
		{ "REMOTE_ADDR", "REMOTE_PORT" },
		{ "TCPREMOTEIP", "TCPREMOTEPORT" },
		{ "SOCAT_PEERADDR", "SOCAT_PEERPORT" },
		{ "REMOTE_HOST", "REMOTE_PORT" },
	};
	static const char *const local_env[][2] = {
		{ "TCPLOCALIP", "TCPLOCALPORT" },
		{ "SOCAT_SOCKADDR", "SOCAT_SOCKPORT" },
	};
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	bool on_socket = true;

	if (getpeername(0, (struct sockaddr *)&ss, &len) < 0 ||
	    !sockaddr_text(&ss, r->peer_addr, sizeof(r->peer_addr),
	                   r->peer_port, sizeof(r->peer_port))) {
		address_from_env(peer_env, 4, r->peer_addr,
		                 sizeof(r->peer_addr), r->peer_port,
		                 sizeof(r->peer_port));
		on_socket = false;
	}
	len = sizeof(ss);
	if ((on_socket && stunnel_peer(r)) ||
	    getsockname(0, (struct sockaddr *)&ss, &len) < 0 ||
	    !sockaddr_text(&ss, r->local_addr, sizeof(r->local_addr),
	                   r->local_port, sizeof(r->local_port)))
		address_from_env(local_env, 2, r->local_addr,
		                 sizeof(r->local_addr), r->local_port,
		                 sizeof(r->local_port));
}

/* ---- logging ------------------------------------------------------------ */

static void
log_line(const struct server *sv, int priority, const char *line, size_t len)
{
	switch (sv->log) {
	case LOG_TO_SYSLOG:
		syslog(priority, "%.*s", (int)len, line);
		break;
	/* one write per line: many processes share it */
	case LOG_TO_FILE:
	case LOG_TO_STDERR:
		(void)write_all(sv->log == LOG_TO_FILE ? sv->logfd : 2, line,
		                len + 1);
		break;
	case LOG_TO_NONE:
		break;
	}
}

void
log_error(const struct server *sv, const char *fmt, ...)
{
	char line[STDERR_LINE_MAX * 4 + 1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "cgiinetd: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n] = '\n';
	line[n + 1] = '\0';
	log_line(sv, LOG_ERR, line, (size_t)n);
}

/* Copy s into a log field: quotes, backslashes and control bytes escaped. */
size_t
log_escape(char *dst, size_t cap, const char *s)
{
	size_t n = 0;

	if (!s || !*s)
		s = "-";
	for (; *s && n + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			n += (size_t)snprintf(dst + n, cap - n, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(dst + n, cap - n, "\\x%02x", c);
		else
			dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return n;
}

/* Combined Log Format; the time in UTC, which needs no zone files. */
static void
log_request(const struct server *sv, const struct request *r)
{
	static const char months[][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	char line[4096 + 2 * 1024 + 512], req[4096], ref[1024], ua[1024];
	char bytes[24], status[8], script[64] = "";
	struct tm tm;
	int n;

	if (sv->log == LOG_TO_NONE)
		return;
	gmtime_r(&r->now, &tm);
	log_escape(req, sizeof(req), r->line);
	log_escape(ref, sizeof(ref), http_field(r, "Referer"));
	log_escape(ua, sizeof(ua), http_field(r, "User-Agent"));
	snprintf(bytes, sizeof(bytes), "%lld", (long long)r->body_sent);
	snprintf(status, sizeof(status), "%d", r->status);
	/* a script's run: how long, how it ended */
	if (r->script_exit >= 0)
		snprintf(script, sizeof(script), " time=%lld.%03lld %s=%d%s",
		         r->script_ms / 1000, r->script_ms % 1000,
		         r->script_signal ? "signal" : "exit",
		         r->script_signal ? r->script_signal : r->script_exit,
		         r->script_timed_out ? " timeout" : "");
	n = snprintf(line, sizeof(line),
	             "%s - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"%s\" %s %s "
	             "\"%s\" \"%s\"%s\n",
	             r->peer_addr, tm.tm_mday, months[tm.tm_mon % 12],
	             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, req,
	             r->status ? status : "-", r->body_sent ? bytes : "-", ref,
	             ua, script);
	if (n > 0 && (size_t)n < sizeof(line))
		log_line(sv, LOG_INFO, line, (size_t)n - 1);
}

/* ---- privileges ---------------------------------------------------------- */

/* The program's relocated pointers (GOT, .data.rel.ro, .fini_array) made
 * read-only, as a dynamic loader does; a static-pie's start code relocates
 * them and leaves them writable. dl_iterate_phdr names the program first. */
static int
protect_relro(struct dl_phdr_info *info, size_t size, void *failed)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	(void)size;
	for (size_t i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & -page,
		          end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) &
		                -page;

		if (ph->p_type == PT_GNU_RELRO && end > start &&
		    mprotect((void *)start, end - start, PROT_READ) < 0)
			*(bool *)failed = true;
	}
	return 1;	/* the program only */
}

/* --user: UID:GID as numbers (perf: nothing to read; getpwnam costs a
 * request about 31 us and 6 page faults, f0fb48f), else a name looked up in
 * the user database, with its primary group. */
static bool
user_ids(const char *user, uid_t *uid, gid_t *gid)
{
	const char *colon = strchr(user, ':');
	struct passwd *pw;

	if (colon) {
		unsigned long long u, g;
		char *end;

		if (!isdigit((unsigned char)user[0]) ||
		    !isdigit((unsigned char)colon[1]))
			return false;
		errno = 0;
		u = strtoull(user, &end, 10);
		if (end != colon)
			return false;
		g = strtoull(colon + 1, &end, 10);
		if (errno || *end || u >= (uid_t)-1 || g >= (gid_t)-1)
			return false;
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		return true;
	}
	if (!(pw = getpwnam(user)))
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return true;
}

/* The -l file: a regular file, appended to. Opened without blocking, so a
 * FIFO there cannot hold the request up, then refused with anything else. */
static int
open_log(const char *path, char *err, size_t errsz)
{
	struct stat st;
	int fd = open(path,
	              O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	                      O_NOCTTY | O_NONBLOCK,
	              0640);

	if (fd < 0)
		return snprintf(err, errsz, "log file '%s': %s", path,
		                strerror(errno)),
		       -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return snprintf(err, errsz, "log file '%s': not a regular file",
		                path),
		       -1;
	}
	return fd;
}

/* Open a --script or --cgi-ext program as root, before a chroot: it is
 * exec'd from this descriptor. A #! program is exec'd by its path (see
 * exec_script in cgi.c), which a chroot would hide. */
static int
open_program(const struct server *sv, struct program *p, char *err,
             size_t errsz)
{
	struct stat st;
	char magic[2];

	if (!p->path)
		return 0;
	if ((p->fd = open(p->path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(p->fd, &st) < 0)
		return snprintf(err, errsz, "program '%s': %s", p->path,
		                strerror(errno)), -1;
	if (!S_ISREG(st.st_mode))
		return snprintf(err, errsz, "program '%s': not a regular file",
		                p->path), -1;
	p->shebang = pread(p->fd, magic, 2, 0) == 2 && !memcmp(magic, "#!", 2);
	if (p->shebang && sv->chroot)
		return snprintf(err, errsz,
		                "program '%s' is a #! script: under "
		                "--chroot only a binary can be run from "
		                "outside the root",
		                p->path),
		       -1;
	return 0;
}

static int
open_programs(struct server *sv, char *err, size_t errsz)
{
	for (size_t i = 0; i < sv->nexts; i++)
		if (open_program(sv, &sv->exts[i].prog, err, errsz) < 0)
			return -1;
	for (size_t i = 0; i < sv->nscripts; i++)
		if (open_program(sv, &sv->scripts[i].prog, err, errsz) < 0)
			return -1;
	return 0;
}

/* Resolve the user, open the root (and what a chroot would hide), chroot if
 * asked, then drop for good and prove it: all before a byte is read. */
static int
secure(struct server *sv, char *err, size_t errsz)
{
	struct rlimit no_core = { 0, 0 };
	bool root = geteuid() == 0, relro_failed = false;
	uid_t uid = 0;
	gid_t gid = 0;

	dl_iterate_phdr(protect_relro, &relro_failed);
	if (relro_failed)
		return snprintf(err, errsz, "read-only relocations: %s",
		                strerror(errno)),
		       -1;
	umask(022);
	setrlimit(RLIMIT_CORE, &no_core);
	if (root && !user_ids(sv->user, &uid, &gid))
		return snprintf(err, errsz, "unknown user '%s'", sv->user), -1;
	if ((sv->rootfd = open(sv->docroot,
	                       O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !realpath(sv->docroot, sv->docroot_abs))
		return snprintf(err, errsz, "document root '%s': %s",
		                sv->docroot, strerror(errno)),
		       -1;
	if (sv->log == LOG_TO_FILE &&
	    (sv->logfd = open_log(sv->log_path, err, errsz)) < 0)
		return -1;
	if (open_programs(sv, err, errsz) < 0)
		return -1;
	/* connect now if a chroot will hide /dev/log */
	if (sv->log == LOG_TO_SYSLOG)
		openlog("cgiinetd", LOG_PID | (sv->chroot ? LOG_NDELAY : 0),
		        LOG_DAEMON);
	/* /proc too: a script's escaped children are found there */
	if (sv->chroot) {
		sv->procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* and a disk for bodies, not the memory of a root without
		 * /tmp */
		if ((sv->spooldir = open("/var/tmp",
		                         O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			sv->spooldir =
			        open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (!root)
			return snprintf(err, errsz,
			                "--chroot needs to be started as root"),
			       -1;
		if (fchdir(sv->rootfd) < 0 || chroot(".") < 0)
			return snprintf(err, errsz, "chroot: %s",
			                strerror(errno)),
			       -1;
		strcpy(sv->docroot_abs, "/");
	}
	/* The system calls themselves: this process has one thread, so libc's
	 * broadcast of the change to all threads would be work for nothing. */
	if (root && (syscall(SYS_setgroups, 0, NULL) < 0 ||
	             syscall(SYS_setgid, gid) < 0 ||
	             syscall(SYS_setuid, uid) < 0))
		return snprintf(err, errsz, "dropping to '%s': %s", sv->user,
		                strerror(errno)), -1;
	if (root && (syscall(SYS_setuid, 0) == 0 || geteuid() == 0 ||
	             getegid() == 0 || getgroups(0, NULL) != 0))
		return snprintf(err, errsz,
		                "still privileged after dropping to '%s'",
		                sv->user),
		       -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return snprintf(err, errsz, "no_new_privs: %s",
		                strerror(errno)),
		       -1;
	return 0;
}

/* ---- the request --------------------------------------------------------- */

/* The exit status an answer of ours means (cgiinetd.8, EXIT STATUS). */
static int
exit_code(int status)
{
	if (status == S_REQUEST_TIMEOUT)
		return 4;
	if (status >= 500)
		return 3;
	if (status >= 400)
		return 1;
	return 0;
}

static enum status
run_script(struct request *r, const struct server *sv)
{
	static struct cgi c;	/* 16 KB: in .bss, off the stack's depth */
	enum status s;

	if (!(s = cgi_prepare(r, sv, &c)))
		s = cgi_run(r, sv, &c);
	cgi_free(&c);
	return s;
}

/* A script (-P) may ask for another path to be served instead: routing
 * starts over with it, as a GET (a HEAD stays a HEAD), a bounded number of
 * times. */
static enum status
follow_local_redirect(struct request *r, int hops)
{
	if (hops == LOCAL_REDIRECTS_MAX)
		return http_fail(r, S_INTERNAL_ERROR,
		                 "Too many local redirects");
	if (r->method != M_HEAD) {	/* a HEAD stays one: no body */
		r->method = M_GET;
		r->method_name = "GET";
	}
	r->content_length = -1;
	r->chunked = r->expect_continue = false;
	r->redirected = true;
	r->query = NULL;
	strcpy(r->redirected_to, r->local_location);
	r->local_location[0] = '\0';
	r->target = r->redirected_to;
	return S_NONE;
}

static enum status
route(struct request *r, const struct server *sv)
{
	long long deadline = deadline_in(sv->timeout * 1000LL);
	enum status s;

	if ((sv->proxy_protocol && (s = http_read_proxy(r, deadline))) ||
	    (s = http_read_head(r, deadline)) || (s = http_parse_head(r)))
		return s;
	for (int hops = 0;; hops++) {
		if ((s = http_decode_path(r)))
			return s;
		if (cgi_is_script(sv, r->path) || cgi_index(sv, r))
			s = run_script(r, sv);
		else if (r->method == M_POST)
			s = http_fail(r, S_NOT_IMPLEMENTED,
			              "Can only POST to CGI scripts");
		else
			s = file_serve(r, sv);
		if (s || !r->local_location[0])
			return s;
		if ((s = follow_local_redirect(r, hops)))
			return s;
	}
}

/* The exit status: the script's when the answer was its own, else what
 * our answer says. */
static int
exit_status(const struct request *r)
{
	if (r->script_answered && r->script_exit >= 0)
		return r->script_exit;
	return exit_code(r->status);
}

int
main(int argc, char *argv[])
{
	static struct server sv;
	static struct request r;
	char err[512];
	enum status s;

	setup_fds(&r);
	r.now = wall_time();
	r.content_length = -1;
	r.script_exit = -1;
	parse_options(&r, &sv, argc, argv);
	r.timeout = sv.timeout;
	if (secure(&sv, err, sizeof(err)) < 0)
		fatal(&r, &sv, "%s", err);
	/* a vanished client is an error return */
	signal(SIGPIPE, SIG_IGN);
	find_addresses(&r);
	s = route(&r, &sv);
	if (r.gone && !r.line[0])
		return 0;	/* nothing was asked */
	/* gone: nothing of ours failed, and nothing more goes out */
	if (r.gone)
		s = S_NONE;
	else if (s && !r.status)
		http_send_error(&r, s);
	else if (s && (int)s != r.status)	/* too late for a page */
		log_error(&sv, "%s: %s", r.path,
		          r.msg[0] ? r.msg : http_reason((int)s));
	log_request(&sv, &r);
	http_close(&r);
	return s && !r.script_answered ? exit_code(s) : exit_status(&r);
}
