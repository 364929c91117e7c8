// The few Linux calls the server's event loop needs and Swift's Glibc module does not import (sys/epoll.h,
// sys/eventfd.h). epoll_event is packed on x86-64, so events are copied out into two plain arrays.
#ifndef CEPOLL_H
#define CEPOLL_H

#include <stdint.h>

static const uint32_t jf_epollin = 0x001;
static const uint32_t jf_epollout = 0x004;
static const uint32_t jf_epollerr = 0x008;
static const uint32_t jf_epollhup = 0x010;
static const uint32_t jf_epollrdhup = 0x2000;
static const uint32_t jf_epollet = 1u << 31;

/// epoll_create1(EPOLL_CLOEXEC).
int jf_epoll_create(void);
/// epoll_ctl ADD (or MOD when modify is non-zero) with the descriptor itself as the event's data.
int jf_epoll_watch(int epfd, int fd, uint32_t events, int modify);
/// epoll_ctl DEL.
int jf_epoll_unwatch(int epfd, int fd);
/// epoll_wait, writing each ready descriptor and its events to fds[i] and events[i]; returns the count or -1.
int jf_epoll_wait(int epfd, int32_t *fds, uint32_t *events, int max, int timeout_ms);
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC (accept4 needs _GNU_SOURCE, which Glibc's module lacks).
int jf_accept(int fd);
/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int jf_eventfd(void);

#endif
