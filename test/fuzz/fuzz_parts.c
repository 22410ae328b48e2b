/*
 * libFuzzer target for the parsers past the request head, reached through
 * the sources themselves (their functions are static): the input is a
 * request whose head is parsed, then, on the same bytes,
 *  - the static file's decisions: If-Match, If-Unmodified-Since,
 *    If-None-Match (lists over field lines), If-Modified-Since (the three
 *    date forms), Range;
 *  - the chunked decoder, on what follows the head, into a memfd spool;
 *  - the -P head parser, on the whole input as a script's head.
 * Build and run: make fuzz (clang, ASan+UBSan).
 */
#include "../../file.c"
#undef LEN
#include "../../cgi.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cgiinetd.c's, which the CGI code logs through: nothing to log here. */
void
log_error(const struct server *sv, const char *fmt, ...)
{
	(void)sv;
	(void)fmt;
}

size_t
log_escape(char *dst, size_t cap, const char *s)
{
	(void)s;
	if (cap)
		dst[0] = '\0';
	return 0;
}

static void
file_decisions(const struct request *r)
{
	struct rep p = { .fd = -1 };
	off_t first = 0, last = 0;

	p.st.st_size = 12345;
	p.st.st_mtime = 1700000000;
	p.st.st_ino = 42;
	etag(p.etag, &p.st);
	(void)precondition_failed(r, p.etag, &p.st.st_mtime);
	(void)not_modified(r, &p);
	first = 0, last = p.st.st_size - 1;
	(void)byte_range(r, &p, &first, &last);
}

static void
chunked(struct request *r, const struct server *sv)
{
	static int out = -1;

	if (out < 0)
		out = memfd_create("fuzz-spool", 0);
	if (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
		return;
	r->deadline = now_ms() + 1000;
	(void)spool_chunked(r, sv, out, 1 << 20);
}

static void
fuzz_script_head(const uint8_t *data, size_t size)
{
	static struct reply rp;
	size_t n = size < sizeof(script_head) ? size : sizeof(script_head), end;

	memcpy(script_head, data, n);
	if ((end = head_end(script_head, n)))
		(void)parse_reply(script_head, end, &rp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request r;
	static struct server sv = { .timeout = 1, .max_body = 1 << 20 };
	static int in = -1;
	long long deadline = now_ms() + 1000;

	if (in < 0)
		in = memfd_create("fuzz-input", 0);
	fuzz_script_head(data, size);
	if (ftruncate(in, 0) < 0 || pwrite(in, data, size, 0) != (ssize_t)size ||
	    lseek(in, 0, SEEK_SET) < 0 || dup2(in, 0) < 0)
		return 0;
	memset(&r, 0, sizeof(r));
	r.content_length = -1;
	r.script_exit = -1;
	r.timeout = 1;
	if (http_read_head(&r, deadline) || http_parse_head(&r))
		return 0;
	file_decisions(&r);
	if (r.chunked)
		chunked(&r, &sv);
	return 0;
}
