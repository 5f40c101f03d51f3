/* RTP/RTCP port pairs taken from a configured range.
 *
 * struct ms__rtp_ports is owned by whoever owns the range (one per media
 * loop, used from that loop's thread only); streams only borrow it during
 * ms__rtp_ports_bind. lo..hi is inclusive; RTP gets an even port p and
 * RTCP p + 1; `next` rotates through the range so that a port just
 * released is not reused at once. Zero-initialise next (or leave it out of
 * range): the first bind starts at lo.
 */
#ifndef MS_RTP_PORTS_H
#define MS_RTP_PORTS_H

#include <stdint.h>
#include <sys/socket.h>

#define MS__RTP_RCVBUF (256 * 1024) /* SO_RCVBUF asked for each socket */

struct ms__rtp_ports {
    uint16_t lo, hi, next;
};

/* Binds a UDP socket pair on local's address (its port is ignored): an
 * even port for RTP and the next one for RTCP, skipping ports in use.
 * Sockets are non-blocking and close-on-exec, with SO_RCVBUF set. Returns
 * 0 with *rtp_fd, *rtcp_fd, *port set (the caller owns the descriptors);
 * MS_EBUSY when every pair of the range is in use; MS_EINVAL for a range
 * without a pair; another negative errno if binding fails otherwise. */
int ms__rtp_ports_bind(struct ms__rtp_ports *ports, const struct sockaddr *local, int *rtp_fd,
                       int *rtcp_fd, uint16_t *port);

#endif
