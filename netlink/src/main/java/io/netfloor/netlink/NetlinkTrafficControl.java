// SPDX-License-Identifier: Apache-2.0
package io.netfloor.netlink;

import io.netfloor.netlink.channel.Ack;
import io.netfloor.netlink.channel.NetlinkChannel;
import io.netfloor.netlink.channel.NetlinkMessage;
import io.netfloor.netlink.codec.HtbClassCodec;
import io.netfloor.netlink.codec.HtbQdiscCodec;
import io.netfloor.netlink.codec.LinkCodec;
import io.netfloor.netlink.codec.QdiscCodec;
import io.netfloor.netlink.codec.Rtm;
import io.netfloor.netlink.codec.TcDumpMessage;
import io.netfloor.netlink.codec.U32FilterCodec;
import io.netfloor.netlink.netns.NamespaceThread;
import io.netfloor.netlink.wire.TcMsg;
import io.netfloor.plan.HtbClass;
import io.netfloor.plan.IfbDevice;
import io.netfloor.plan.Plan;
import io.netfloor.plan.TcOp;
import io.netfloor.plan.U32OwnerMark;
import io.netfloor.spi.ClassInfo;
import io.netfloor.spi.ClassStats;
import io.netfloor.spi.FilterInfo;
import io.netfloor.spi.KernelCapabilities;
import io.netfloor.spi.KernelSnapshot;
import io.netfloor.spi.QdiscInfo;
import io.netfloor.spi.TrafficControl;
import io.netfloor.spi.TrafficControlException;
import io.netfloor.tc.PschedClock;
import io.netfloor.tc.TcTiming;
import io.netfloor.units.ClassHandle;
import io.netfloor.units.InterfaceName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TrafficControl} SPI over rtnetlink: one {@code NETLINK_ROUTE} socket bound to one network
 * namespace for the backend's whole life, speaking the messages {@code tc} would send, without a
 * process per command.
 *
 * <pre>{@code
 * try (NetlinkTrafficControl tc = NetlinkTrafficControl.openInNamespace("vmnet")) {
 *   tc.apply(HtbTree.start(config).plan());
 *   KernelSnapshot now = tc.dump(InterfaceName.of("br0"));
 * }
 * }</pre>
 *
 * <h2>Applying plans</h2>
 *
 * Operations go to the kernel in batches (up to {@value #MAX_BATCH_OPS} requests or
 * {@value #MAX_BATCH_BYTES} bytes per {@code sendto}), each request with its own acknowledgement.
 * The kernel applies the requests of a batch one by one and does <em>not</em> stop at a failure, so
 * after the first refused operation {@code k} of a batch, the operations after it that the kernel did
 * accept are undone here (their inverses, last first) before the exception is thrown. A change
 * never follows an add or a delete in a batch: its inverse is exact only if the kernel held what
 * the plan says it held, which a refused add or delete before it disproves. The contract of
 * {@link TrafficControlException#appliedCount()} therefore holds: exactly the first
 * {@code appliedCount} operations are in effect. If one of those undos fails too, the exception's
 * message says which, and the failure is attached as suppressed.
 *
 * <p>A class add carries {@code NLM_F_ECHO}: the kernel answers with the class as created. The
 * kernel turns a class whose parent class does not exist into a top-level class without complaint;
 * this backend detects it from the echo, removes that class, and fails the operation with ENOENT.
 *
 * <h2>Comparison with tc</h2>
 *
 * Byte for byte the requests of {@code tc} 6.1 (see the golden tests), except that a class's quantum
 * is always explicit, filter deletes carry the filter's protocol, burst ticks are rounded up as
 * iproute2 6.15 does ({@link Options#rounding()}), so that a class never gets a zero burst, and HTB
 * classes leave out the two rate tables, which the kernel ignores for an Ethernet rate spec
 * ({@link Options#rateTables()} puts them back for tc-identical bytes). Device names are resolved with {@code RTM_GETLINK} in the backend's namespace
 * and cached; a cached index is dropped when the kernel answers ENODEV.
 *
 * <h2>Threads</h2>
 *
 * Safe for concurrent use: each public method holds one lock for its whole exchange with the kernel,
 * so calls are serialised (the kernel serialises tc changes under RTNL anyway).
 */
public final class NetlinkTrafficControl implements TrafficControl {
  private static final Logger LOG = LoggerFactory.getLogger(NetlinkTrafficControl.class);
  /** Most requests per {@code sendto}. */
  public static final int MAX_BATCH_OPS = 32;
  /** Most bytes per {@code sendto}: well below the socket's send buffer. */
  public static final int MAX_BATCH_BYTES = 32 * 1024;
  private static final int DUMP_ATTEMPTS = 5;

  /**
   * How a backend is set up.
   *
   * @param replyTimeout how long to wait for each reply datagram (the socket's {@code SO_RCVTIMEO})
   * @param rounding how burst ticks are rounded ({@link TcTiming.Rounding#ROUND_UP}, as iproute2
   *     6.15, by default; {@code TRUNCATE} reproduces tc 6.1)
   * @param rateTables whether HTB class messages carry tc's RTAB and CTAB (2 × 1028 bytes). Off by
   *     default: the kernel reads them only for a rate spec with linklayer UNAWARE, and ours say
   *     ETHERNET, so it builds the same class from PARMS (and RATE64/CEIL64) alone, at a fraction of
   *     the encoding and copying cost. On reproduces tc's bytes exactly (golden tests, captures).
   */
  public record Options(Duration replyTimeout, TcTiming.Rounding rounding, boolean rateTables) {
    /** Five seconds per reply, bursts rounded up, no rate tables. */
    public static final Options DEFAULTS = new Options(Duration.ofSeconds(5),
        TcTiming.Rounding.ROUND_UP, false);

    /**
     * Checks the timeout and the rounding.
     *
     * @param replyTimeout how long to wait for each reply datagram (the socket's
     *     {@code SO_RCVTIMEO})
     * @param rounding how burst ticks are rounded ({@link TcTiming.Rounding#ROUND_UP}, as iproute2
     *     6.15, by default; {@code TRUNCATE} reproduces tc 6.1)
     * @param rateTables whether HTB class messages carry tc's RTAB and CTAB (2 × 1028 bytes). Off
     *     by default: the kernel reads them only for a rate spec with linklayer UNAWARE, and ours
     *     say ETHERNET, so it builds the same class from PARMS (and RATE64/CEIL64) alone, at a
     *     fraction of the encoding and copying cost. On reproduces tc's bytes exactly (golden
     *     tests, captures).
     * @throws IllegalArgumentException if {@code replyTimeout} is zero or negative
     * @throws NullPointerException if {@code replyTimeout} or {@code rounding} is null
     */
    public Options {
      if (replyTimeout.isNegative() || replyTimeout.isZero()) {
        throw new IllegalArgumentException("reply timeout must be positive, got " + replyTimeout);
      }
      Objects.requireNonNull(rounding, "rounding");
    }

    /**
     * Options without rate tables (the default); kept for callers of the two-field form.
     *
     * @param replyTimeout how long to wait for each reply datagram, positive
     * @param rounding how burst ticks are rounded
     */
    public Options(Duration replyTimeout, TcTiming.Rounding rounding) {
      this(replyTimeout, rounding, false);
    }

    /**
     * These options with HTB rate tables sent ({@code true}: tc-identical bytes) or left out.
     *
     * @param tables true to send HTB rate tables
     * @return new options; these are unchanged
     */
    public Options withRateTables(boolean tables) {
      return new Options(replyTimeout, rounding, tables);
    }
  }

  private final NetlinkChannel channel;
  private final String namespace;
  private final Options options;
  private final TcTiming timing;
  private final TcOpEncoder encoder;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<InterfaceName, Integer> ifindexCache = new ConcurrentHashMap<>();
  private volatile KernelCapabilities capabilities;
  private volatile boolean closed;

  private NetlinkTrafficControl(NetlinkChannel channel, String namespace, Options options) {
    this.channel = channel;
    this.namespace = namespace;
    this.options = options;
    this.timing = TcTiming.of(readClock(), options.rounding());
    this.encoder = new TcOpEncoder(timing, this::ifindex, options.rateTables());
  }

  /**
   * A backend in the calling thread's network namespace.
   *
   * @return an open backend; close it to release its socket
   * @throws NetlinkException if the socket cannot be opened
   */
  public static NetlinkTrafficControl open() {
    return open(Options.DEFAULTS);
  }

  /**
   * {@link #open()} with options.
   *
   * @param options timeout, rounding and rate tables
   * @return an open backend; close it to release its socket
   * @throws NetlinkException if the socket cannot be opened
   */
  public static NetlinkTrafficControl open(Options options) {
    return new NetlinkTrafficControl(NetlinkChannel.open(options.replyTimeout()), "(current)",
        options);
  }

  /**
   * A backend inside the named network namespace ({@code ip netns add NAME}, bound at
   * {@code /run/netns/NAME}). The socket is created on a dedicated thread that enters the namespace;
   * no other thread of the JVM changes namespace.
   *
   * @param name the namespace's name, as {@code ip netns} shows it
   * @return an open backend whose socket lives in that namespace
   * @throws io.netfloor.InvalidValueException if {@code name} is not a name {@code ip netns}
   *     accepts (see {@link #checkNamespaceName}); nothing is opened
   * @throws NetlinkException if the namespace does not exist (ENOENT) or cannot be entered (EPERM)
   */
  public static NetlinkTrafficControl openInNamespace(String name) {
    return openInNamespace(name, Options.DEFAULTS);
  }

  /**
   * {@link #openInNamespace(String)} with options.
   *
   * @param name the namespace's name, as {@code ip netns} shows it
   * @param options timeout, rounding and rate tables
   * @return an open backend whose socket lives in that namespace
   * @throws io.netfloor.InvalidValueException if {@code name} is not a name {@code ip netns}
   *     accepts
   * @throws NetlinkException if the namespace does not exist or cannot be entered
   */
  public static NetlinkTrafficControl openInNamespace(String name, Options options) {
    Objects.requireNonNull(options, "options");
    Path file = NamespaceThread.pathOf(name);
    NetlinkChannel ch = NamespaceThread.callIn(file,
        () -> NetlinkChannel.open(options.replyTimeout()));
    return new NetlinkTrafficControl(ch, name, options);
  }

  /**
   * A backend inside the network namespace bound at {@code nsFile}: {@code /proc/PID/ns/net} of a
   * container's process, or a bind mount a container runtime made (anywhere, not only under
   * {@code /run/netns}). Entering a namespace needs {@code CAP_SYS_ADMIN}; the shaping itself needs
   * {@code CAP_NET_ADMIN} there.
   *
   * @param nsFile the namespace file
   * @param options timeout, rounding and rate tables
   * @return an open backend whose socket lives in that namespace
   * @throws NetlinkException if the file cannot be opened (ENOENT, EACCES), is not a network
   *     namespace (EINVAL) or cannot be entered (EPERM: needs CAP_SYS_ADMIN)
   */
  public static NetlinkTrafficControl openInNamespaceFile(Path nsFile, Options options) {
    java.util.Objects.requireNonNull(nsFile, "nsFile");
    NetlinkChannel ch = NamespaceThread.callIn(nsFile,
        () -> NetlinkChannel.open(options.replyTimeout()));
    return new NetlinkTrafficControl(ch, nsFile.toString(), options);
  }

  /**
   * Checks a network namespace name as {@code ip netns} does: 1 to 255 bytes, no {@code /}, not
   * {@code .} or {@code ..}. {@link #openInNamespace} checks it too; a caller that records a name
   * for later (a CLI, a config file) can refuse it up front.
   *
   * @param name the candidate name
   * @return {@code name}
   * @throws io.netfloor.InvalidValueException quoting the name and the rule it breaks
   */
  public static String checkNamespaceName(String name) {
    return NamespaceThread.checkName(name);
  }

  /**
   * Nanoseconds this backend's socket has spent inside {@code sendto}/{@code recvfrom} since it was
   * opened (a cheap accumulator, for benchmarks: the wall time of a plug minus the growth of this
   * figure is the time spent outside the kernel).
   *
   * @return the nanoseconds, summed over every call on this backend's socket
   */
  public long netlinkSyscallNanos() {
    return channel.syscallNanos();
  }

  /**
   * The arithmetic this backend encodes bursts with.
   *
   * @return the timing used for every HTB class and police action this backend encodes
   */
  public TcTiming timing() {
    return timing;
  }

  // ------------------------------------------------------------------ apply

  @Override
  public void apply(Plan plan) {
    Objects.requireNonNull(plan, "plan");
    locked(() -> {
      applyLocked(plan.ops());
      return null;
    });
  }

  private record Pending(int index, TcOp op, byte[] request) {}

  private void applyLocked(List<TcOp> ops) {
    int committed = 0;
    List<Pending> batch = new ArrayList<>();
    int batchBytes = 0;
    for (int i = 0; i < ops.size(); i++) {
      TcOp op = ops.get(i);
      // a device add/delete changes what names resolve to: it goes alone, and later ops resolve
      // their devices only after it is done
      boolean alone = op.object() instanceof IfbDevice;
      if (alone && !batch.isEmpty()) {
        committed = flush(batch, committed);
        batchBytes = 0;
      }
      if (op instanceof TcOp.Add && op.object() instanceof U32OwnerMark mark) {
        committed = flush(batch, committed);
        batchBytes = 0;
        addMark(op, mark, committed);
        committed++;
        continue;
      }
      if (op instanceof TcOp.Delete && op.object() instanceof io.netfloor.plan.U32HashTable) {
        // alone, so that a retry (see retryTableDelete) comes before the operations after it
        committed = flush(batch, committed);
        batchBytes = 0;
        deleteTable(op, committed);
        committed++;
        continue;
      }
      Optional<byte[]> request;
      try {
        request = encoder.encode(op);
      } catch (NetlinkException e) {
        committed = flush(batch, committed);
        throw e.forOp(op, committed);
      }
      if (request.isEmpty()) {
        if (batch.isEmpty()) {
          committed++;
        } else {
          batch.add(new Pending(i, op, null));
        }
        continue;
      }
      if (!batch.isEmpty() && (batch.size() >= MAX_BATCH_OPS
          || batchBytes + request.get().length > MAX_BATCH_BYTES
          || (op instanceof TcOp.Change && holdsAddOrDelete(batch)))) {
        committed = flush(batch, committed);
        batchBytes = 0;
      }
      batch.add(new Pending(i, op, request.get()));
      batchBytes += request.get().length;
      if (alone) {
        committed = flush(batch, committed);
        batchBytes = 0;
        ifindexCache.remove(op.object().device());
      }
    }
    flush(batch, committed);
  }

  /**
   * Whether the batch holds an add or a delete, which a change must not follow: if the kernel
   * refused that add or delete it would still apply the change, and undoing an accepted change sets
   * the object to the plan's "before", which is what the kernel held only when the plan's premise
   * was right (a replayed plan's is not: its deletes are refused, its changes find the "after"
   * already there). An accepted add or delete proves what was there, so its undo is exact.
   */
  private static boolean holdsAddOrDelete(List<Pending> batch) {
    for (Pending p : batch) {
      if (!(p.op() instanceof TcOp.Change)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends the batch, and returns the new count of committed operations; on the first refused
   * operation undoes the accepted ones after it and throws.
   */
  private int flush(List<Pending> batch, int committed) {
    if (batch.isEmpty()) {
      return committed;
    }
    List<byte[]> requests = new ArrayList<>();
    List<Integer> ackIndex = new ArrayList<>(); // batch position -> ack position, or -1
    for (Pending p : batch) {
      ackIndex.add(p.request() == null ? -1 : requests.size());
      if (p.request() != null) {
        requests.add(p.request());
      }
    }
    List<Ack> acks = channel.transact(requests);
    int failed = -1;
    Ack failure = null;
    String ourReason = null;
    boolean[] accepted = new boolean[batch.size()];
    for (int j = 0; j < batch.size(); j++) {
      int a = ackIndex.get(j);
      if (a < 0) {
        accepted[j] = true;
        continue;
      }
      Ack ack = acks.get(a);
      accepted[j] = ack.isSuccess();
      if (ack.isSuccess() && ack.kernelMessage() != null) {
        LOG.warn("{}: kernel warning: {}", batch.get(j).op().describe(), ack.kernelMessage());
      }
      if (!accepted[j]) {
        if (ack.errno() == Errno.ENODEV) {
          ifindexCache.remove(batch.get(j).op().object().device());
        }
        if (failed < 0) {
          failed = j;
          failure = ack;
        }
      } else if (failed < 0 && TcOpEncoder.echoesClass(batch.get(j).op())) {
        ourReason = checkParent((HtbClass) batch.get(j).op().object(), ack);
        if (ourReason != null) {
          failed = j;
          failure = ack;
        }
      }
    }
    if (failed < 0) {
      int done = committed + batch.size();
      batch.clear();
      return done;
    }
    TcOp failedOp = batch.get(failed).op();
    List<String> undoProblems = new ArrayList<>();
    List<Throwable> undoErrors = new ArrayList<>();
    for (int j = batch.size() - 1; j >= failed; j--) {
      boolean createdWrongly = j == failed && ourReason != null;
      if ((j > failed && accepted[j] && batch.get(j).request() != null) || createdWrongly) {
        TcOp undo = batch.get(j).op().inverse();
        try {
          undoOne(undo);
        } catch (RuntimeException e) {
          undoProblems.add(undo.describe());
          undoErrors.add(e);
        }
      }
    }
    int appliedCount = committed + failed;
    batch.clear();
    NetlinkException ex;
    if (ourReason != null) {
      ex = new NetlinkException(failedOp.describe() + ": " + ourReason, failedOp, appliedCount,
          Errno.ENOENT, null, null);
    } else {
      ex = new NetlinkException(failedOp.describe(), failedOp, appliedCount, failure.errno(),
          failure.kernelMessage(), null);
    }
    if (!undoProblems.isEmpty()) {
      ex = new NetlinkException(ex.getMessage() + "; WARNING: the kernel had also accepted later"
          + " operations of the batch and undoing them failed: " + undoProblems
          + " (these are still in effect)", failedOp, appliedCount, ex.errno(),
          ex.errnoName().orElse(null), ex.kernelMessage().orElse(null), null);
      undoErrors.forEach(ex::addSuppressed);
    }
    throw ex;
  }

  /**
   * An ownership mark is two kernel objects, its one-bucket table and the node in it, added by two
   * requests; when the node is refused, the table is deleted again, so the operation either
   * happened whole or not at all. (Its delete is one request: deleting the table takes the node.)
   */
  private void addMark(TcOp op, U32OwnerMark mark, int committed) {
    int dev;
    try {
      dev = ifindex(mark.device());
    } catch (NetlinkException e) { // its device is gone: name the operation, as for any other
      throw e.forOp(op, committed);
    }
    Ack table = channel.transact(U32FilterCodec.encodeAdd(mark.table(), dev));
    if (!table.isSuccess()) {
      throw new NetlinkException(op.describe(), op, committed, table.errno(),
          table.kernelMessage(), null);
    }
    Ack node = channel.transact(U32FilterCodec.encodeAdd(mark, dev));
    if (!node.isSuccess()) {
      NetlinkException ex = new NetlinkException(op.describe(), op, committed, node.errno(),
          node.kernelMessage(), null);
      Ack undo = channel.transact(U32FilterCodec.encodeDelete(dev, mark.parent(), mark.prio(),
          mark.protocol(), mark.table().handle()));
      if (!undo.isSuccess()) {
        ex = new NetlinkException(ex.getMessage() + "; WARNING: the mark's table "
            + mark.table().handle() + " stays on " + mark.device() + " (its delete failed)", op,
            committed, node.errno(), ex.errnoName().orElse(null), node.kernelMessage(), null);
      }
      throw ex;
    }
  }

  /**
   * cls_u32 releases a hash table's link count from a deleted link node a moment after the delete
   * (once concurrent classifiers are done with the node), so the table's delete right after it may
   * meet {@code EBUSY}. Retried for up to a second before it counts as refused.
   */
  private void deleteTable(TcOp op, int committed) {
    byte[] request;
    try {
      request = encoder.encode(op).orElseThrow();
    } catch (NetlinkException e) { // its device is gone: name the operation, as for any other
      throw e.forOp(op, committed);
    }
    Ack ack = channel.transact(request);
    if (ack.errno() == Errno.EBUSY) {
      ack = retryTableDelete(request, ack);
    }
    if (!ack.isSuccess()) {
      throw new NetlinkException(op.describe(), op, committed, ack.errno(), ack.kernelMessage(),
          null);
    }
  }

  private Ack retryTableDelete(byte[] request, Ack busy) {
    Ack ack = busy;
    for (int attempt = 0; attempt < 50 && ack.errno() == Errno.EBUSY; attempt++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ack;
      }
      ack = channel.transact(request);
    }
    return ack;
  }

  private void undoOne(TcOp undo) {
    if (undo instanceof TcOp.Add && undo.object() instanceof U32OwnerMark mark) {
      addMark(undo, mark, 0);
      return;
    }
    Optional<byte[]> request = encoder.encode(undo);
    if (request.isEmpty()) {
      return;
    }
    Ack ack = channel.transact(request.get());
    if (!ack.isSuccess()) {
      throw new NetlinkException("undo " + undo.describe(), undo, 0, ack.errno(),
          ack.kernelMessage(), null);
    }
  }

  /**
   * The kernel's parent quirk: a class added under a missing parent class becomes a top-level class.
   * Returns why the echoed class is wrong, or null when it is as asked (or the kernel sent no echo).
   */
  private static String checkParent(HtbClass c, Ack ack) {
    for (NetlinkMessage m : ack.replies()) {
      if (m.type() != Rtm.RTM_NEWTCLASS) {
        continue;
      }
      TcMsg tcm = TcMsg.read(m.body());
      if (tcm.handle() != c.classId().toBits()) {
        continue;
      }
      int expected = c.parent().isQdisc() ? Rtm.TC_H_ROOT : c.parent().toBits();
      if (tcm.parent() != expected) {
        return "parent class " + c.parent() + " does not exist (the kernel created "
            + c.classId() + " as a top-level class instead; it was removed again)";
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ devices

  private int ifindex(InterfaceName device) {
    Integer cached = ifindexCache.get(device);
    if (cached != null) {
      return cached;
    }
    OptionalInt index = lookup(device);
    if (index.isEmpty()) {
      throw new NetlinkException("no device " + device + " in network namespace " + namespace,
          null, 0, Errno.ENODEV, null, null);
    }
    ifindexCache.put(device, index.getAsInt());
    return index.getAsInt();
  }

  /** Fresh {@code RTM_GETLINK}; empty when the device does not exist. */
  private OptionalInt lookup(InterfaceName device) {
    Ack ack = channel.transact(LinkCodec.encodeGet(device));
    if (ack.errno() == Errno.ENODEV) {
      return OptionalInt.empty();
    }
    if (!ack.isSuccess()) {
      throw new NetlinkException("look up device " + device, null, 0, ack.errno(),
          ack.kernelMessage(), null);
    }
    OptionalInt index = LinkCodec.decodeIndex(ack);
    if (index.isEmpty()) {
      throw new NetlinkProtocolException("RTM_GETLINK for " + device + " acked without the link");
    }
    return index;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code RTM_GETLINK} by name; the kind is {@code IFLA_LINKINFO}'s {@code IFLA_INFO_KIND}.
   *
   * @throws NetlinkException with {@code ENODEV} if the device does not exist in the backend's
   *     namespace
   */
  @Override
  public Optional<String> deviceKind(InterfaceName device) {
    return locked(() -> {
      Ack ack = channel.transact(LinkCodec.encodeGet(device));
      if (!ack.isSuccess()) {
        ifindexCache.remove(device);
        throw new NetlinkException(ack.errno() == Errno.ENODEV
            ? "no device " + device + " in network namespace " + namespace
            : "read the kind of device " + device, null, 0, ack.errno(), ack.kernelMessage(), null);
      }
      return LinkCodec.decodeKind(ack);
    });
  }

  @Override
  public boolean deviceExists(InterfaceName device) {
    return locked(() -> {
      OptionalInt index = lookup(device);
      if (index.isPresent()) {
        ifindexCache.put(device, index.getAsInt());
      } else {
        ifindexCache.remove(device);
      }
      return index.isPresent();
    });
  }

  // ------------------------------------------------------------------ dumps

  @Override
  public KernelSnapshot dump(InterfaceName device) {
    return locked(() -> retryingDump(() -> {
      int dev = freshIfindex(device);
      List<QdiscInfo> qdiscs = new ArrayList<>();
      List<ClassHandle> filterParents = new ArrayList<>();
      for (TcDumpMessage m : dumpMessages(QdiscCodec.encodeDump(dev), Rtm.RTM_NEWQDISC)) {
        if (m.tcm().ifindex() != dev) {
          continue; // the kernel ignores tcm_ifindex in qdisc dumps
        }
        QdiscInfo q = QdiscCodec.decode(m, device);
        qdiscs.add(q);
        if (q.kind().equals("clsact")) {
          // a clsact's filters hang under its two hooks, not under the qdisc's handle
          filterParents.add(ClassHandle.of(0xffff, 0xfff2));
          filterParents.add(ClassHandle.of(0xffff, 0xfff3));
        } else if (Set.of("htb", "ingress").contains(q.kind()) && !q.handle().equals(
            ClassHandle.UNSPEC)) {
          filterParents.add(q.handle());
        }
      }
      List<ClassInfo> classes = classesOf(device, dev);
      List<FilterInfo> filters = new ArrayList<>();
      for (ClassHandle parent : filterParents) {
        for (TcDumpMessage m : dumpMessages(U32FilterCodec.encodeDump(dev, parent),
            Rtm.RTM_NEWTFILTER)) {
          U32FilterCodec.decode(m, device).ifPresent(filters::add);
        }
      }
      return new KernelSnapshot(device, qdiscs, classes, filters);
    }));
  }

  @Override
  public Map<ClassHandle, ClassStats> classStats(InterfaceName device) {
    return locked(() -> retryingDump(() -> {
      Map<ClassHandle, ClassStats> out = new TreeMap<>(
          (a, b) -> Integer.compareUnsigned(a.toBits(), b.toBits()));
      for (ClassInfo c : classesOf(device, freshIfindex(device))) {
        out.put(c.classId(), c.stats());
      }
      return out;
    }));
  }

  private List<ClassInfo> classesOf(InterfaceName device, int dev) {
    List<ClassInfo> classes = new ArrayList<>();
    for (TcDumpMessage m : dumpMessages(QdiscCodec.encodeClassDump(dev), Rtm.RTM_NEWTCLASS)) {
      if (m.tcm().ifindex() == dev && HtbQdiscCodec.KIND.equals(m.kind())) {
        classes.add(HtbClassCodec.decode(m, device));
      }
    }
    return classes;
  }

  private int freshIfindex(InterfaceName device) {
    ifindexCache.remove(device);
    return ifindex(device);
  }

  private List<TcDumpMessage> dumpMessages(byte[] request, int expectedType) {
    List<TcDumpMessage> out = new ArrayList<>();
    for (NetlinkMessage m : channel.dump(request)) {
      if (m.type() == expectedType) {
        out.add(TcDumpMessage.parse(m));
      }
    }
    return out;
  }

  private static <T> T retryingDump(Supplier<T> dump) {
    for (int attempt = 1; ; attempt++) {
      try {
        return dump.get();
      } catch (NetlinkChannel.DumpInterruptedException e) {
        if (attempt >= DUMP_ATTEMPTS) {
          throw e;
        }
        LOG.debug("dump interrupted by a concurrent change, attempt {}", attempt);
      } catch (NetlinkException e) {
        // ENOBUFS: the socket overflowed and lost part of the dump; stale parts carry an old
        // sequence number and are skipped by the next attempt
        if (e.errno() != Errno.ENOBUFS || attempt >= DUMP_ATTEMPTS) {
          throw e;
        }
        LOG.debug("dump overflowed the socket (ENOBUFS), attempt {}", attempt);
      }
    }
  }

  // ------------------------------------------------------------------ capabilities

  /**
   * Probes, once per backend, which leaf qdiscs, actions and devices the kernel supports, by creating
   * them for real inside a private, throwaway network namespace (on its loopback device and an ifb
   * made there), so no interface of the host or of the backend's namespace is touched. The
   * namespace disappears with the probe's socket. A caller without {@code CAP_SYS_ADMIN} (making a
   * namespace needs it; shaping needs only {@code CAP_NET_ADMIN}) is probed on a device made for
   * the probe in the backend's namespace ({@code nfprobe…}, an ifb or a veth pair), deleted
   * right after.
   *
   * @throws NetlinkException if even that fails, naming the capability missing, or the kernel
   *     refuses an HTB qdisc
   */
  @Override
  public KernelCapabilities capabilities() {
    KernelCapabilities c = capabilities;
    if (c == null) {
      c = locked(() -> {
        if (capabilities == null) {
          capabilities = CapabilityProbe.run(options.replyTimeout(), timing, channel);
        }
        return capabilities;
      });
    }
    return c;
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        channel.close();
      }
    } finally {
      lock.unlock();
    }
  }

  private <T> T locked(Supplier<T> body) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("NetlinkTrafficControl for namespace " + namespace
            + " is closed");
      }
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  /** {@code /proc/net/psched}, or the value every current Linux prints when it cannot be read. */
  private static PschedClock readClock() {
    try {
      return PschedClock.parse(Files.readString(Path.of("/proc/net/psched")));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read /proc/net/psched ({}); using {}", e.toString(),
          PschedClock.LINUX_DEFAULT);
      return PschedClock.LINUX_DEFAULT;
    }
  }

  @Override
  public String toString() {
    return "NetlinkTrafficControl{namespace=" + namespace + ", port=" + channel.portId() + "}";
  }
}
