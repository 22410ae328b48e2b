/* The bare supervisor, the least a supervised CGI can cost: fork once
 * (vfork), exec the script on the connection, wait for it. Run by the
 * superserver as "bare PROGRAM ARG...", beside cgiinetd's CGI rows. */
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	pid_t pid;
	int status;

	if (argc < 2)
		return 2;
	if ((pid = vfork()) == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid ? 0 : 1;
}
