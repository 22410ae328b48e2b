/* A CGI program that reports the ids it runs with (the setuid test). */
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	printf("Content-Type: text/plain\r\n\r\n");
	printf("uid=%d euid=%d\n", (int)getuid(), (int)geteuid());
	return 0;
}
