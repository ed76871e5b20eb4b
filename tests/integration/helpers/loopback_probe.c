/* Probes whether a bridge container can reach the host's loopback: with CAP_NET_RAW, sends a TCP
   SYN for 127.0.0.1:PORT on an AF_PACKET socket straight to the gateway's MAC (the container's
   own kernel would never route to 127.0.0.1) and waits for the host's answer.
   Usage: loopback-probe GATEWAY_IP PORT
   Prints and exits: "SYN-ACK" 0 (the host accepted a connection), "RST" 3 (the host answered),
   "no answer" 1, or an error 2. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char* k_ifname = "eth0";

static unsigned short checksum(const void* data, size_t len, unsigned long sum) {
  const unsigned char* p = data;
  for (; len > 1; p += 2, len -= 2) sum += (unsigned long)(p[0] << 8 | p[1]);
  if (len) sum += (unsigned long)(p[0] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons((unsigned short)~sum);
}

static int die(const char* what) {
  perror(what);
  return 2;
}

/* The gateway's MAC from the neighbour table, after a datagram made the kernel resolve it. */
static int gateway_mac(struct in_addr gateway, unsigned char mac[6]) {
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr = gateway};
  for (int attempt = 0; attempt < 30; ++attempt) {
    sendto(udp, "x", 1, 0, (struct sockaddr*)&to, sizeof to);
    FILE* arp = fopen("/proc/net/arp", "r");
    char line[256], ip[64], hw[64];
    unsigned flags;
    while (arp && fgets(line, sizeof line, arp)) {
      if (sscanf(line, "%63s %*s %x %63s", ip, &flags, hw) == 3 && (flags & 2) && inet_addr(ip) == gateway.s_addr &&
          sscanf(hw, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6) {
        fclose(arp);
        close(udp);
        return 0;
      }
    }
    if (arp) fclose(arp);
    usleep(100000);
  }
  close(udp);
  return -1;
}

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  struct in_addr gateway, target;
  if (!inet_aton(argv[1], &gateway)) return 2;
  inet_aton("127.0.0.1", &target);
  const unsigned short port = (unsigned short)atoi(argv[2]);

  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
  if (fd < 0) return die("AF_PACKET socket (needs CAP_NET_RAW)");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, k_ifname, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) return die("SIOCGIFINDEX");
  const int ifindex = ifr.ifr_ifindex;
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) return die("SIOCGIFHWADDR");
  unsigned char own_mac[6];
  memcpy(own_mac, ifr.ifr_hwaddr.sa_data, 6);
  if (ioctl(fd, SIOCGIFADDR, &ifr) != 0) return die("SIOCGIFADDR");
  const struct in_addr own_ip = ((struct sockaddr_in*)&ifr.ifr_addr)->sin_addr;
  unsigned char gw_mac[6];
  if (gateway_mac(gateway, gw_mac) != 0) {
    fprintf(stderr, "gateway %s did not resolve\n", argv[1]);
    return 2;
  }
  struct sockaddr_ll link = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = ifindex};
  if (bind(fd, (struct sockaddr*)&link, sizeof link) != 0) return die("bind");

  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  const unsigned short source_port = (unsigned short)(40000 + rand() % 20000);
  unsigned char frame[14 + 20 + 20];
  memset(frame, 0, sizeof frame);
  memcpy(frame, gw_mac, 6);
  memcpy(frame + 6, own_mac, 6);
  frame[12] = 0x08;  /* IPv4 */
  struct iphdr* ip = (struct iphdr*)(frame + 14);
  ip->version = 4;
  ip->ihl = 5;
  ip->tot_len = htons(40);
  ip->id = htons((unsigned short)rand());
  ip->frag_off = htons(0x4000);
  ip->ttl = 64;
  ip->protocol = IPPROTO_TCP;
  ip->saddr = own_ip.s_addr;
  ip->daddr = target.s_addr;
  ip->check = checksum(ip, 20, 0);
  struct tcphdr* tcp = (struct tcphdr*)(frame + 34);
  tcp->source = htons(source_port);
  tcp->dest = htons(port);
  tcp->seq = htonl((unsigned)rand());
  tcp->doff = 5;
  tcp->syn = 1;
  tcp->window = htons(64240);
  /* The TCP checksum covers a pseudo header: addresses, protocol and length. */
  unsigned long pseudo = 0;
  const unsigned char* a = (const unsigned char*)&ip->saddr;
  const unsigned char* b = (const unsigned char*)&ip->daddr;
  pseudo += (unsigned long)(a[0] << 8 | a[1]) + (unsigned long)(a[2] << 8 | a[3]);
  pseudo += (unsigned long)(b[0] << 8 | b[1]) + (unsigned long)(b[2] << 8 | b[3]);
  pseudo += IPPROTO_TCP + 20;
  tcp->check = checksum(tcp, 20, pseudo);

  for (int attempt = 0; attempt < 3; ++attempt) {
    if (send(fd, frame, sizeof frame, 0) != (ssize_t)sizeof frame) return die("send");
    struct pollfd p = {.fd = fd, .events = POLLIN};
    const time_t until = time(NULL) + 2;
    while (time(NULL) < until && poll(&p, 1, 500) >= 0) {
      if (!(p.revents & POLLIN)) continue;
      unsigned char in[2048];
      const ssize_t n = recv(fd, in, sizeof in, 0);
      if (n < 34 + 20) continue;
      const struct iphdr* rip = (const struct iphdr*)(in + 14);
      if (rip->protocol != IPPROTO_TCP || rip->saddr != target.s_addr) continue;
      const struct tcphdr* rtcp = (const struct tcphdr*)(in + 14 + rip->ihl * 4);
      if ((size_t)n < 14 + (size_t)rip->ihl * 4 + 20) continue;
      if (ntohs(rtcp->source) != port || ntohs(rtcp->dest) != source_port) continue;
      if (rtcp->syn && rtcp->ack) {
        printf("SYN-ACK\n");
        return 0;
      }
      if (rtcp->rst) {
        printf("RST\n");
        return 3;
      }
    }
  }
  printf("no answer\n");
  return 1;
}
