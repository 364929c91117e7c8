#define _GNU_SOURCE
#include "CEpoll.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

int jf_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int jf_epoll_watch(int epfd, int fd, uint32_t events, int modify) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = 0;
    ev.data.fd = fd;
    return epoll_ctl(epfd, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
}

int jf_epoll_unwatch(int epfd, int fd) {
    struct epoll_event ev = {0};
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
}

int jf_epoll_wait(int epfd, int32_t *fds, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event ready[512];
    if (max > 512) max = 512;
    int n = epoll_wait(epfd, ready, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        fds[i] = ready[i].data.fd;
        events[i] = ready[i].events;
    }
    return n;
}

int jf_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int jf_accept(int fd) { return accept4(fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC); }
