// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink.channel;

import static io.netfloor.netlink.channel.Replies.ack;
import static io.netfloor.netlink.channel.Replies.datagram;
import static io.netfloor.netlink.channel.Replies.done;
import static io.netfloor.netlink.channel.Replies.marker;
import static io.netfloor.netlink.channel.Replies.message;
import static io.netfloor.netlink.channel.Replies.part;
import static io.netfloor.netlink.channel.Replies.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netfloor.netlink.NetlinkException;
import io.netfloor.netlink.NetlinkProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request/acknowledgement protocol of {@link NetlinkChannel}, driven by scripted replies: what
 * the kernel tests cannot provoke on demand (late and stale replies, forged senders, timeouts,
 * EINTR, truncation, sequence wrap-around).
 */
class NetlinkChannelTest {
  private static final int EPERM = 1;
  private static final int EEXIST = 17;
  private static final int EINVAL = 22;
  private static final Duration TIMEOUT = Duration.ofMillis(250);

  private final ScriptedSocket socket = new ScriptedSocket();
  private final NetlinkChannel channel = new NetlinkChannel(socket, TIMEOUT, 100);

  /** An {@code RTM_GETLINK} request with NLM_F_ACK and {@code payloadBytes} of {@code fill}. */
  private static byte[] request(int payloadBytes, byte fill) {
    byte[] r = new byte[NetlinkMessage.HEADER_BYTES + payloadBytes];
    Arrays.fill(r, NetlinkMessage.HEADER_BYTES, r.length, fill);
    ByteBuffer.wrap(r).order(ByteOrder.nativeOrder()).putInt(0, r.length).putShort(4, (short) 18)
        .putShort(6, (short) (NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK));
    return r;
  }

  private static byte[] request() {
    return request(4, (byte) 0);
  }

  /** Replies to the last request sent with an ack. */
  private ScriptedSocket ackingLast() {
    return socket.then(s -> ack(s.lastSeq(), 0));
  }

  @Test
  void sequenceNumbersAdvancePerRequestAndAreConsecutiveInABatch() {
    ackingLast();
    assertThat(channel.transact(request()).seq()).isEqualTo(100);
    ackingLast();
    assertThat(channel.transact(request()).seq()).isEqualTo(101);
    // the kernel may answer a batch in any order: acks come back in request order
    socket.then(s -> datagram(ack(104, EEXIST), ack(102, 0), ack(103, 0)));
    List<Ack> acks = channel.transact(List.of(request(), request(), request()));
    assertThat(acks).extracting(Ack::seq).containsExactly(102, 103, 104);
    assertThat(acks).extracting(Ack::errno).containsExactly(0, 0, EEXIST);
    socket.then(s -> done(s.lastSeq()));
    channel.dump(request());
    assertThat(List.of(socket.seqsOf(0), socket.seqsOf(1), socket.seqsOf(2), socket.seqsOf(3)))
        .containsExactly(List.of(100), List.of(101), List.of(102, 103, 104), List.of(105));
  }

  @Test
  void aTimeoutIsTypedAndALateReplyToTheAbandonedRequestIsIgnored() {
    // nothing scripted: the receive times out
    assertThatThrownBy(() -> channel.transact(request()))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("no reply from the kernel within 250 ms")
        .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(ScriptedSocket.EAGAIN);
    int abandoned = socket.seqsOf(0).get(0);
    // the late refusal of the abandoned request arrives first, in its own datagram and then
    // in front of the new request's ack
    socket.then(s -> refusal(abandoned, EEXIST, "late"))
        .then(s -> datagram(refusal(abandoned, EEXIST, "late again"), ack(s.lastSeq(), 0)));
    Ack ack = channel.transact(request());
    assertThat(ack.isSuccess()).as("the new request's own ack").isTrue();
    assertThat(ack.seq()).isEqualTo(abandoned + 1);
    assertThat(ack.kernelMessage()).isNull();
    assertThat(socket.scriptExhausted()).isTrue();
  }

  @Test
  void aStaleReplyWithAnOldSequenceNumberIsSkipped() {
    ackingLast();
    int first = channel.transact(request()).seq();
    socket.then(s -> datagram(ack(first, EPERM), part(first, 9)))
        .then(s -> ack(s.lastSeq(), 0));
    Ack second = channel.transact(request());
    assertThat(second.isSuccess()).isTrue();
    assertThat(second.replies()).as("the stale part is not this request's reply").isEmpty();
    // a dump skips stale messages as well
    socket.then(s -> datagram(part(first, 1), part(s.lastSeq(), 2), done(first, EPERM)))
        .then(s -> done(s.lastSeq()));
    assertThat(channel.dump(request())).extracting(Replies::marker).containsExactly(2);
  }

  @Test
  void aReplyForASequenceNumberBeyondTheBatchIsIgnored() {
    socket.then(s -> datagram(ack(s.lastSeq() + 1, EPERM), ack(s.lastSeq(), 0)));
    assertThat(channel.transact(request()).isSuccess()).isTrue();
  }

  @Test
  void aSecondAckForTheSameRequestIsIgnored() {
    socket.then(s -> datagram(ack(100, EEXIST), ack(100, 0)))
        .then(s -> ack(101, 0));
    List<Ack> acks = channel.transact(List.of(request(), request()));
    assertThat(acks).extracting(Ack::errno).containsExactly(EEXIST, 0);
    assertThat(socket.scriptExhausted()).as("waited for the second request's own ack").isTrue();
  }

  @Test
  void repliesFromAPortOtherThanTheKernelAreIgnored() {
    socket.thenFrom(777, s -> refusal(s.lastSeq(), EPERM, "forged"))
        .thenFrom(1, s -> datagram(part(s.lastSeq(), 5), done(s.lastSeq())));
    ackingLast();
    Ack ack = channel.transact(request());
    assertThat(ack.isSuccess()).isTrue();
    assertThat(ack.kernelMessage()).isNull();
    assertThat(socket.receiveCalls).isEqualTo(3);
  }

  @Test
  void theChannelStaysUsableAfterATimeout() {
    assertThatThrownBy(() -> channel.dump(request())).isInstanceOf(NetlinkException.class)
        .hasMessageContaining("within 250 ms");
    socket.then(s -> datagram(done(s.lastSeq() - 1), part(s.lastSeq(), 3), done(s.lastSeq())));
    assertThat(channel.dump(request())).extracting(Replies::marker).containsExactly(3);
  }

  @Test
  void eintrOnReceiveIsRetried() {
    socket.thenErrno(ScriptedSocket.EINTR).thenErrno(ScriptedSocket.EINTR);
    ackingLast();
    assertThat(channel.transact(request()).isSuccess()).isTrue();
    assertThat(socket.receiveCalls).isEqualTo(3);
  }

  @Test
  void eintrOnSendIsRetried() {
    socket.failSends(ScriptedSocket.EINTR, ScriptedSocket.EINTR);
    ackingLast();
    assertThat(channel.transact(request()).isSuccess()).isTrue();
    assertThat(socket.sent()).hasSize(1);
  }

  @Test
  void otherSendErrorsFailTheExchangeWithTheirErrno() {
    socket.failSends(ScriptedSocket.ENOBUFS);
    assertThatThrownBy(() -> channel.transact(List.of(request(), request(5, (byte) 1))))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("sending 2 netlink request(s) of 44 bytes")
        .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(ScriptedSocket.ENOBUFS);
    assertThat(socket.sent()).isEmpty();
  }

  @Test
  void aShortSendFailsTheExchange() {
    socket.reportShortSends(8);
    assertThatThrownBy(() -> channel.transact(request())).isInstanceOf(NetlinkException.class)
        .hasMessageContaining("short netlink send: 8 of 20 bytes");
    assertThat(socket.receiveCalls).isZero();
  }

  @Test
  void otherReceiveErrorsFailTheExchangeWithTheirErrno() {
    socket.thenErrno(ScriptedSocket.ENOBUFS);
    assertThatThrownBy(() -> channel.transact(request())).isInstanceOf(NetlinkException.class)
        .hasMessageContaining("receiving from the netlink socket")
        .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(ScriptedSocket.ENOBUFS);
  }

  @Test
  void aTruncatedDatagramIsAProtocolError() {
    socket.thenTruncated(NetlinkChannel.RECEIVE_BUFFER_BYTES + 1L);
    assertThatThrownBy(() -> channel.transact(request()))
        .isInstanceOf(NetlinkProtocolException.class)
        .hasMessageContaining("datagram of 65537 bytes truncated to 65536");
  }

  @Test
  void aDatagramFillingTheBufferExactlyIsAccepted() {
    // one message of exactly RECEIVE_BUFFER_BYTES: an echo reply, then the ack
    int payload = NetlinkChannel.RECEIVE_BUFFER_BYTES - NetlinkMessage.HEADER_BYTES;
    socket.then(s -> message(36, 0, s.lastSeq(), new byte[payload])).then(s -> ack(s.lastSeq(), 0));
    Ack ack = channel.transact(request());
    assertThat(ack.replies()).hasSize(1);
    assertThat(ack.replies().get(0).payload().remaining()).isEqualTo(payload);
  }

  @Test
  void refusalsCarryErrnoAndTheKernelsExplanation() {
    socket.then(s -> refusal(s.lastSeq(), EINVAL, "Invalid handle"));
    Ack ack = channel.transact(request());
    assertThat(ack.isSuccess()).isFalse();
    assertThat(ack.errno()).isEqualTo(EINVAL);
    assertThat(ack.kernelMessage()).isEqualTo("Invalid handle");
  }

  @Test
  void repliesBeforeAnAckBelongToTheirOwnRequest() {
    socket.then(s -> datagram(part(101, 7), part(101, 8), ack(100, 0)))
        .then(s -> ack(101, 0));
    List<Ack> acks = channel.transact(List.of(request(), request()));
    assertThat(acks.get(0).replies()).isEmpty();
    assertThat(acks.get(1).replies()).extracting(Replies::marker).containsExactly(7, 8);
  }

  @Test
  void anOverrunFailsATransaction() {
    socket.then(s -> message(NetlinkMessage.NLMSG_OVERRUN, 0, s.lastSeq(), new byte[0]));
    assertThatThrownBy(() -> channel.transact(request()))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("NLMSG_OVERRUN");
  }

  @Test
  void aDumpCollectsEveryPartAcrossDatagramsUntilDone() {
    socket.then(s -> datagram(part(s.lastSeq(), 1), part(s.lastSeq(), 2)))
        .then(s -> datagram(message(NetlinkMessage.NLMSG_NOOP, 0, s.lastSeq(), new byte[0]),
            ack(s.lastSeq(), 0), part(s.lastSeq(), 3)))
        .then(s -> datagram(done(s.lastSeq()), part(s.lastSeq(), 4)));
    List<NetlinkMessage> parts = channel.dump(request());
    assertThat(parts).extracting(Replies::marker).containsExactly(1, 2, 3);
    assertThat(parts).allMatch(m -> m.type() == 36);
  }

  @Test
  void aDoneWithoutErrorCodeEndsADump() {
    socket.then(s -> datagram(part(s.lastSeq(), 1),
        message(NetlinkMessage.NLMSG_DONE, NetlinkMessage.NLM_F_MULTI, s.lastSeq(), new byte[0])));
    assertThat(channel.dump(request())).extracting(Replies::marker).containsExactly(1);
  }

  @Test
  void aDumpRefusedByAnErrorCarriesErrnoAndText() {
    socket.then(s -> refusal(s.lastSeq(), EINVAL, "Cannot find device"));
    assertThatThrownBy(() -> channel.dump(request())).isInstanceOf(NetlinkException.class)
        .satisfies(e -> {
          NetlinkException n = (NetlinkException) e;
          assertThat(n.errno()).isEqualTo(EINVAL);
          assertThat(n.kernelMessage()).contains("Cannot find device");
          assertThat(n.getMessage()).startsWith("dump: EINVAL");
        });
  }

  @Test
  void aDumpEndedByAFailedDoneCarriesItsErrno() {
    socket.then(s -> datagram(part(s.lastSeq(), 1), done(s.lastSeq(), EPERM)));
    assertThatThrownBy(() -> channel.dump(request())).isInstanceOf(NetlinkException.class)
        .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(EPERM);
  }

  @Test
  void anInterruptedDumpIsReadToItsEndAndThenReported() {
    socket.then(s -> datagram(part(s.lastSeq(), 1),
            part(s.lastSeq(), 2, NetlinkMessage.NLM_F_MULTI | NetlinkMessage.NLM_F_DUMP_INTR)))
        .then(s -> datagram(part(s.lastSeq(), 3), done(s.lastSeq())));
    assertThatThrownBy(() -> channel.dump(request()))
        .isInstanceOf(NetlinkChannel.DumpInterruptedException.class);
    assertThat(socket.scriptExhausted()).as("the rest of the dump was drained").isTrue();
    // the next exchange is not confused by the interrupted dump
    ackingLast();
    assertThat(channel.transact(request()).isSuccess()).isTrue();
  }

  @Test
  void anOverrunFailsADump() {
    socket.then(s -> message(NetlinkMessage.NLMSG_OVERRUN, 0, s.lastSeq(), new byte[0]));
    assertThatThrownBy(() -> channel.dump(request()))
        .isInstanceOf(NetlinkProtocolException.class).hasMessageContaining("NLMSG_OVERRUN");
  }

  @Test
  void requestsArePaddedWithZerosAndStampedWithTheirSequenceNumbers() {
    ackingLast();
    channel.transact(request(40, (byte) 0xFF)); // leaves non-zero bytes in the send buffer
    socket.then(s -> datagram(ack(101, 0), ack(102, 0)));
    byte[] odd = request(5, (byte) 0x11); // 21 bytes
    byte[] even = request(4, (byte) 0x22);
    channel.transact(List.of(odd, even));
    byte[] sent = socket.sent().get(1);
    assertThat(sent).hasSize(24 + 20);
    ByteBuffer b = ByteBuffer.wrap(sent).order(ByteOrder.nativeOrder());
    assertThat(Arrays.copyOfRange(sent, 21, 24)).containsOnly(0);
    assertThat(b.getInt(8)).isEqualTo(101);
    assertThat(b.getInt(24 + 8)).isEqualTo(102);
    byte[] expectedOdd = odd.clone();
    ByteBuffer.wrap(expectedOdd).order(ByteOrder.nativeOrder()).putInt(8, 101);
    assertThat(Arrays.copyOfRange(sent, 0, 21)).isEqualTo(expectedOdd);
    assertThat(Arrays.copyOfRange(sent, 24 + 16, 44)).containsOnly(0x22);
  }

  @Test
  void aBatchLargerThanTheSendBufferIsSentWhole() {
    byte[] big = request(40_000, (byte) 0x33);
    socket.then(s -> datagram(ack(100, 0), ack(101, 0)));
    channel.transact(List.of(big, big));
    byte[] sent = socket.sent().get(0);
    assertThat(sent).hasSize(2 * big.length);
    assertThat(socket.seqsOf(0)).containsExactly(100, 101);
    assertThat(Arrays.copyOfRange(sent, big.length + 16, 2 * big.length)).containsOnly(0x33);
  }

  @Test
  void sequenceNumbersWrapBeforeOverflowing() {
    NetlinkChannel nearEnd = new NetlinkChannel(socket, TIMEOUT, Integer.MAX_VALUE - 4);
    int max = Integer.MAX_VALUE;
    socket.then(s -> datagram(ack(max - 4, 0), ack(max - 3, 0), ack(max - 2, 0)));
    nearEnd.transact(List.of(request(), request(), request()));
    ackingLast();
    nearEnd.transact(request());
    assertThat(socket.seqsOf(0)).containsExactly(max - 4, max - 3, max - 2);
    assertThat(socket.seqsOf(1)).containsExactly(1);
  }

  @Test
  void closingClosesTheSocketOnceAndRefusesFurtherExchanges() {
    assertThat(channel.portId()).isEqualTo(ScriptedSocket.PORT);
    channel.close();
    channel.close();
    assertThat(socket.closeCalls).isEqualTo(1);
    assertThatThrownBy(() -> channel.transact(request())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> channel.dump(request())).isInstanceOf(IllegalStateException.class);
    assertThat(socket.sent()).isEmpty();
  }

  /** Each kind of socket call, made slow alone, adds at least its time and never more. */
  @Test
  void timeInsideTheSocketIsCountedForEveryCallIncludingFailedOnes() {
    assertThat(syscallNanosWith(s -> s.sendDelayMillis = 5)).isGreaterThanOrEqualTo(5_000_000L);
    assertThat(syscallNanosWith(s -> s.receiveDelayMillis = 5)).isGreaterThanOrEqualTo(5_000_000L);
    assertThat(syscallNanosWith(s -> s.failDelayMillis = 5)).as("an EINTR on each side")
        .isGreaterThanOrEqualTo(10_000_000L);
  }

  /** The syscall time of one exchange with an EINTR on send and on receive, checked against wall time. */
  private static long syscallNanosWith(java.util.function.Consumer<ScriptedSocket> slow) {
    ScriptedSocket s = new ScriptedSocket();
    slow.accept(s);
    s.failSends(ScriptedSocket.EINTR).thenErrno(ScriptedSocket.EINTR)
        .then(x -> ack(x.lastSeq(), 0));
    NetlinkChannel c = new NetlinkChannel(s, TIMEOUT, 1);
    long start = System.nanoTime();
    c.transact(request());
    long wall = System.nanoTime() - start;
    assertThat(c.syscallNanos()).isBetween(0L, wall);
    return c.syscallNanos();
  }

  @Test
  void aRequestFillingTheSendBufferExactlyIsSent() {
    byte[] exact = request(64 * 1024 - NetlinkMessage.HEADER_BYTES - 3, (byte) 0x44);
    ackingLast();
    assertThat(channel.transact(exact).isSuccess()).isTrue();
    assertThat(socket.sent().get(0)).hasSize(64 * 1024);
  }

  @Test
  void everyExchangeReleasesTheChannelForOtherThreadsAlsoWhenItFails() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      ackingLast();
      channel.transact(request());
      socket.then(s -> done(s.lastSeq()));
      channel.dump(request());
      assertThatThrownBy(() -> channel.transact(request())).isInstanceOf(NetlinkException.class);
      ackingLast();
      Future<Ack> fromOther = other.submit(() -> channel.transact(request()));
      assertThat(fromOther.get(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      channel.close();
      Future<?> closeFromOther = other.submit(channel::close);
      closeFromOther.get(10, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
  }
}
