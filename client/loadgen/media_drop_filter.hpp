// MediaDropFilter: a classic BPF socket filter that has the kernel drop the
// ENet datagrams that carry nothing but unreliable packets on one channel
// (voice; ENet packs several per datagram), before they are queued. allo-loadgen --listeners
// sink puts it on every direct link: everyone hears every speaker
// (--max-speakers 0), and reading that (a socket buffer full every 100 ms
// poll) took most of a core from the SFU being measured.
// Datagrams with anything else (a reliable command or a ping: ENet sets the
// sent-time flag on those; an acknowledgement; another channel; a fragment;
// over 32 commands) pass, so the connection stays alive. Linux only; elsewhere attach() fails.
#pragma once

#include <cstdint>

namespace allo::loadgen {

// Attaches the filter to `fd` (a UDP socket carrying ENet 1.3 without
// checksums or compression). False (errno set) when the kernel refuses it.
bool attach_media_drop_filter(int fd, uint8_t channel);

}  // namespace allo::loadgen
