/* A compiled CGI program, built by the tests: exec'd directly, no shell. */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char *argv[])
{
	const char *q = getenv("QUERY_STRING");

	printf("Content-Type: text/plain\r\n\r\n");
	printf("compiled: argc=%d query=%s\n", argc, q ? q : "(none)");
	return 0;
}
