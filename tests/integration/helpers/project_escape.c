/* Tries what a container would do to write past its task's ephemeralStorage limit: make a
 * directory, move it out of the task's quota project (project 0, no inheritance: what
 * `chattr -p 0 -P` does) and allocate 22 GiB in it. Prints each step's outcome. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  mkdir("/escape", 0755);
  int dir = open("/escape", O_RDONLY | O_DIRECTORY);
  struct fsxattr attr;
  if (dir < 0 || ioctl(dir, FS_IOC_FSGETXATTR, &attr) != 0) {
    printf("get: %s\n", strerror(errno));
    return 2;
  }
  printf("project: %s\n", attr.fsx_projid != 0 ? "the task's" : "none");
  attr.fsx_projid = 0;
  attr.fsx_xflags &= ~FS_XFLAG_PROJINHERIT;
  printf("set project: %s\n", ioctl(dir, FS_IOC_FSSETXATTR, &attr) == 0 ? "ok" : strerror(errno));
  long flags = 0; /* clears FS_PROJINHERIT_FL among the others */
  printf("set flags: %s\n", ioctl(dir, FS_IOC_SETFLAGS, &flags) == 0 ? "ok" : strerror(errno));
  int file = open("/escape/big", O_WRONLY | O_CREAT, 0644);
  printf("allocate 22 GiB: %s\n", fallocate(file, 0, 0, (off_t)22 << 30) == 0 ? "ok" : strerror(errno));
  return 0;
}
