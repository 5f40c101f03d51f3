#include "rtp/rtp_ports.h"

#include "moonswitch/error.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

static socklen_t addr_len(const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static int bind_one(const struct sockaddr *local, uint16_t port, int *out)
{
    struct sockaddr_storage a;
    memcpy(&a, local, addr_len(local));
    if (local->sa_family == AF_INET6)
        ((struct sockaddr_in6 *)&a)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)&a)->sin_port = htons(port);
    int fd = socket(local->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1, rcvbuf = MS__RTP_RCVBUF;
    if (local->sa_family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(fd, (struct sockaddr *)&a, addr_len(local)) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    *out = fd;
    return 0;
}

/* Binds port and port + 1; MS_EADDRINUSE if either is taken. */
static int bind_pair(const struct sockaddr *local, uint16_t port, int *rtp_fd, int *rtcp_fd)
{
    int r = bind_one(local, port, rtp_fd);
    if (r < 0)
        return r;
    r = bind_one(local, (uint16_t)(port + 1), rtcp_fd);
    if (r < 0)
        close(*rtp_fd);
    return r;
}

int ms__rtp_ports_bind(struct ms__rtp_ports *ports, const struct sockaddr *local, int *rtp_fd,
                       int *rtcp_fd, uint16_t *port)
{
    if (local->sa_family != AF_INET && local->sa_family != AF_INET6)
        return MS_EINVAL;
    uint32_t first = ports->lo + (ports->lo & 1u);
    if (ports->lo == 0 || first + 1 > ports->hi)
        return MS_EINVAL;
    uint32_t pairs = (ports->hi - first + 1) / 2;
    uint32_t start =
        ports->next >= first && ports->next < first + 2 * pairs ? (ports->next - first) / 2 : 0;
    for (uint32_t i = 0; i < pairs; i++) {
        uint32_t p = first + 2 * ((start + i) % pairs);
        int r = bind_pair(local, (uint16_t)p, rtp_fd, rtcp_fd);
        if (r == MS_EADDRINUSE)
            continue;
        if (r < 0)
            return r;
        uint32_t next = p + 2;
        ports->next = (uint16_t)(next + 1 > ports->hi ? first : next);
        *port = (uint16_t)p;
        return 0;
    }
    return MS_EBUSY;
}
