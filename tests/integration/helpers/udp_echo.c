/* A UDP echo server for the udp port-mapping test: busybox has no UDP listener. Prints each
   datagram to stdout and sends it back prefixed with "echo:". Usage: udp-echo PORT */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)atoi(argv[1]));
  if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0) return 1;
  for (;;) {
    char in[1024], out[1100];
    struct sockaddr_in peer;
    socklen_t peer_len = sizeof peer;
    ssize_t n = recvfrom(fd, in, sizeof in - 1, 0, (struct sockaddr*)&peer, &peer_len);
    if (n < 0) continue;
    in[n] = 0;
    printf("%s\n", in);
    fflush(stdout);
    int m = snprintf(out, sizeof out, "echo:%s", in);
    sendto(fd, out, (size_t)m, 0, (struct sockaddr*)&peer, peer_len);
  }
}
