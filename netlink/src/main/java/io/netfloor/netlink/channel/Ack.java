// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import java.util.List;

/**
 * The kernel's answer to one request: its {@code NLMSG_ERROR} (error 0 is success) plus any
 * messages it sent first with the same sequence number (an {@code NLM_F_ECHO} copy of the new
 * object, or the object a single GET asked for).
 *
 * @param errno positive errno, 0 on success
 * @param kernelMessage extended-ack text (an error's reason, or a warning on success), or null
 * @param offendingAttributeOffset {@code NLMSGERR_ATTR_OFFS}, or −1
 * @param replies the non-ack messages with this request's sequence number, in arrival order
 */
public record Ack(int seq, int errno, String kernelMessage, int offendingAttributeOffset,
    List<NetlinkMessage> replies) {

  public Ack {
    replies = List.copyOf(replies);
  }

  public boolean isSuccess() {
    return errno == 0;
  }

  Ack withReplies(List<NetlinkMessage> messages) {
    return new Ack(seq, errno, kernelMessage, offendingAttributeOffset, messages);
  }
}
