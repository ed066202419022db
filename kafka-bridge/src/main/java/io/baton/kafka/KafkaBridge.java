package io.baton.kafka;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.Children;
import io.baton.core.tree.NodeData;
import io.baton.kafka.kafka.Records;
import io.baton.kafka.kafka.Topics;
import io.baton.kafka.kafka.TxnPublisher;
import io.baton.kafka.mapping.EventMapper;
import io.baton.kafka.mapping.Mapped;
import io.baton.kafka.mapping.Route;
import io.baton.kafka.mapping.Router;
import io.baton.schemas.event.BridgeCheckpoint;
import io.baton.vertx.client.ChangeStream;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge engine: follows Baton's committed log through an entry stream and publishes it to
 * Kafka, exactly once. One worker thread owns the Kafka producers and the stream's lifecycle:
 * <ol>
 *   <li>open the transactional producers ({@code initTransactions} fences an older instance with the
 *       same bridge id), read the bridge's last checkpoint with a read_committed consumer;</li>
 *   <li>open the entry stream after the checkpoint's zxid; entries are queued (whole entries only);</li>
 *   <li>per batch of entries: one transaction with the batch's records and the new checkpoint.</li>
 * </ol>
 * When Kafka fails, the stream is closed and the queue dropped; after an exponential back-off the
 * bridge starts again at step 1, so it catches up from Baton's log. When the log no longer holds
 * the checkpoint ({@code Compacted}), the bridge publishes a resync (the current state of the routed
 * prefixes, records marked {@code resync}) with the checkpoint at the zxid it read, and goes on from
 * there. A stalled or lost stream (session lost, bridge connection closed, no progress while Baton
 * moved on) is reopened from the last queued entry.
 */
public final class KafkaBridge {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBridge.class);

  /** What the bridge is doing. */
  public enum State {
    STARTING, CONNECTING, RUNNING, RESYNCING, KAFKA_UNAVAILABLE, BATON_UNAVAILABLE,
    /** Baton refused the bridge's session: no credentials under {@code enforceAuth}, or bad ones; retried. */
    BATON_AUTH_FAILED,
    /** Kafka refused the bridge's SASL or TLS authentication; retried (credentials may be added meanwhile). */
    KAFKA_AUTH_FAILED,
    /** An unexpected error (not Kafka's, not Baton's); retried with back-off like an outage. */
    ERROR, FENCED, STOPPED
  }

  /** Opens a Baton session; called on the bridge's Vert.x context. */
  @FunctionalInterface
  public interface Connector {
    Future<CoordinationClient> connect();
  }

  /**
   * One committed Kafka transaction.
   *
   * @param zxids      the entries of the batch
   * @param entryTimes the Baton commit time (ms) of each entry of the batch
   * @param ackMillis  when the transaction's commit was acknowledged (wall clock)
   * @param ackNanos   the same instant on {@link System#nanoTime()}
   * @param topics     records of the transaction per topic (the checkpoint not counted)
   * @param txnNanos   the transaction's duration, begin to acknowledged commit
   * @param resync     whether it published a resync
   */
  public record CommitInfo(long lastZxid, int entries, int records, long[] zxids, long[] entryTimes, long ackMillis,
                           long ackNanos, Map<String, Integer> topics, long txnNanos, boolean resync) {
  }

  private record Entry(long zxid, List<ChangeEvent> events) {
  }

  /** Baton failed: reconnect ({@code clientBroken}) or only reopen the stream. */
  private static final class BatonFailure extends RuntimeException {
    final boolean clientBroken;

    BatonFailure(String message, boolean clientBroken, Throwable cause) {
      super(message, cause, false, false);
      this.clientBroken = clientBroken;
    }
  }

  private final Context context;
  private final BridgeConfig config;
  private final Connector connector;
  private final EventMapper mapper = new EventMapper();
  private final Router router;
  private final List<Consumer<CommitInfo>> commitListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<RuntimeException>> abortListeners = new CopyOnWriteArrayList<>();

  private final Object lock = new Object();
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private long generation;
  private long lastEnqueued;

  private volatile boolean running;
  private volatile String broken;
  private volatile String streamFailed;
  private volatile State state = State.STARTING;
  private volatile long committedZxid = -1;
  private volatile long batonZxid = -1;
  private volatile long unavailableSince;
  private long lastUnavailableLog;
  private State lastLoggedOutage;
  private volatile String lastError;
  private volatile long lastCommitMillis;
  private volatile long beatNanos = System.nanoTime();
  private volatile long publishingSince = -1;
  private volatile long records;
  private volatile long entries;
  private volatile long transactions;
  private volatile int resyncs;
  private Long initialStart;
  private boolean topicsReady;
  private Thread worker;
  private TxnPublisher publisher;
  private CoordinationClient client;
  private ChangeStream stream;
  private boolean paused;

  public KafkaBridge(Context context, BridgeConfig config, Connector connector) {
    this.context = context;
    this.config = config;
    this.connector = connector;
    this.router = new Router(config.routes());
  }

  public BridgeConfig config() {
    return config;
  }

  /** Called after each committed transaction (on the bridge's worker thread: keep it short). */
  public void onCommit(Consumer<CommitInfo> listener) {
    commitListeners.add(listener);
  }

  /** Called when a transaction did not commit (on the worker thread); the bridge starts over from its checkpoint. */
  public void onAbort(Consumer<RuntimeException> listener) {
    abortListeners.add(listener);
  }

  public State state() {
    return state;
  }

  /** {@link System#nanoTime()} when the worker loop last went round (it is stuck if this gets old). */
  public long lastBeatNanos() {
    return beatNanos;
  }

  /** Committed entries Baton has and Kafka not yet, or -1 when unknown (nothing published yet). */
  public long lagEntries() {
    long committed = committedZxid;
    long head = Math.max(batonZxid, lastEnqueuedSnapshot());
    return committed >= 0 && head >= 0 && (committed >>> 32) == (head >>> 32) ? Math.max(0, head - committed) : -1;
  }

  /** Baton's commit time (ms) of the oldest entry read and not yet in Kafka (being published or queued), or -1. */
  public long oldestPendingMillis() {
    long publishing = publishingSince;
    if (publishing > 0) {
      return publishing;
    }
    synchronized (lock) {
      Entry e = queue.peekFirst();
      return e == null ? -1 : e.events().get(0).time();
    }
  }

  /** When the current outage began (ms), or 0 while the bridge is not in one. */
  public long unavailableSinceMillis() {
    return unavailableSince;
  }

  /** zxid of the last entry published (committed in Kafka), -1 before the first. */
  public long committedZxid() {
    return committedZxid;
  }

  /** The bridge's status: state, positions, lag (entries), counters, last error. */
  public JsonObject status() {
    JsonObject s = new JsonObject().put("bridgeId", config.bridgeId()).put("state", state.name())
        .put("committedZxid", committedZxid).put("batonZxid", Math.max(batonZxid, lastEnqueuedSnapshot()))
        .put("queuedEntries", queued()).put("records", records).put("entries", entries)
        .put("transactions", transactions).put("resyncs", resyncs).put("lastCommitMillis", lastCommitMillis);
    long lag = lagEntries();
    if (lag >= 0) {
      s.put("lagEntries", lag);
    }
    if (unavailableSince > 0) {
      s.put("unavailableSinceMillis", unavailableSince);
    }
    if (lastError != null) {
      s.put("lastError", lastError);
    }
    return s;
  }

  private long lastEnqueuedSnapshot() {
    synchronized (lock) {
      return lastEnqueued;
    }
  }

  private int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Starts the worker thread. */
  public synchronized void start() {
    if (worker != null) {
      throw new IllegalStateException("already started");
    }
    running = true;
    worker = new Thread(this::run, "baton-kafka-bridge-" + config.bridgeId());
    worker.setDaemon(true);
    worker.start();
  }

  /** Stops the worker (finishing or abandoning the current transaction) and closes the session. Blocking. */
  public void stop(long timeoutMs) throws InterruptedException {
    running = false;
    synchronized (lock) {
      lock.notifyAll();
    }
    Thread w;
    synchronized (this) {
      w = worker;
    }
    if (w != null) {
      w.join(timeoutMs);
      if (w.isAlive()) {
        w.interrupt();
        w.join(5_000);
      }
    }
    state = State.STOPPED;
  }

  // ------------------------------------------------------------------ worker

  private void run() {
    long backoff = config.backoffInitialMs();
    while (running) {
      beatNanos = System.nanoTime();
      try {
        if (publisher == null) {
          setState(State.CONNECTING);
          openKafka();
        }
        if (client == null) {
          setState(State.CONNECTING);
          connectBaton();
        }
        if (stream == null) {
          long from = committedZxid >= 0 ? committedZxid : startPosition();
          try {
            resetQueue(from);
            openStream(from);
          } catch (BatonException e) {
            if (e.code() == ErrorCode.COMPACTED) {
              LOG.warn("bridge {}: the log no longer holds zxid 0x{} ({}); publishing a resync", config.bridgeId(),
                  Long.toHexString(from), e.getMessage());
            } else if (e.code() == ErrorCode.BAD_ARGUMENTS && String.valueOf(e.getMessage()).contains("after the last")) {
              LOG.error("bridge {}: the checkpoint (zxid 0x{}) is ahead of Baton's log ({}): was Baton's data replaced? "
                  + "Publishing a resync; zxids of later records may repeat earlier ones", config.bridgeId(),
                  Long.toHexString(from), e.getMessage());
            } else {
              throw e;
            }
            closeStream();
            resync();
            continue;
          }
        }
        if (state != State.RUNNING) {
          LOG.info("bridge {}: publishing from zxid 0x{}", config.bridgeId(), Long.toHexString(lastEnqueuedSnapshot()));
        }
        setState(State.RUNNING);
        unavailableSince = 0;
        backoff = config.backoffInitialMs();
        pump();
      } catch (TxnPublisher.FatalKafkaException e) {
        lastError = e.getMessage();
        LOG.error("bridge {}: Kafka refused the bridge for good ({}); stopping. {}", config.bridgeId(), e.getMessage(),
            e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException
                ? "Kafka's ACLs do not allow its principal to use its topics or transactional ids."
                : "Another instance with the same bridge id probably took over.");
        setState(State.FENCED);
        running = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (BatonFailure | BatonException e) {
        boolean clientBroken = !(e instanceof BatonFailure f) || f.clientBroken;
        lastError = e.getMessage();
        closeStream();
        if (clientBroken) {
          closeClient();
          String refused = Refusals.baton(e, config.batonAuth());
          if (refused != null) {
            lastError = refused;
            markUnavailable(State.BATON_AUTH_FAILED, refused);
          } else {
            markUnavailable(State.BATON_UNAVAILABLE, e.toString());
          }
          backoff = sleep(backoff);
        } else {
          LOG.info("bridge {}: reopening the change stream ({})", config.bridgeId(), e.getMessage());
        }
      } catch (RuntimeException e) {
        // Kafka (timeouts, broker gone, aborted transaction) or anything unexpected: start over from the checkpoint
        lastError = e.toString();
        closeStream();
        closePublisher();
        if (!(e instanceof org.apache.kafka.common.KafkaException) && state != State.ERROR) {
          LOG.error("bridge {}: unexpected failure; starting over from the checkpoint", config.bridgeId(), e);
        }
        if (Refusals.kafka(e)) {
          lastError = "Kafka refused the bridge's authentication (check security.protocol, sasl.mechanism and"
              + " sasl.jaas.config or the ssl.* settings in producer): " + e;
          markUnavailable(State.KAFKA_AUTH_FAILED, lastError);
        } else {
          markUnavailable(e instanceof org.apache.kafka.common.KafkaException ? State.KAFKA_UNAVAILABLE : State.ERROR,
              e.toString());
        }
        backoff = sleep(backoff);
      }
    }
    closeStream();
    closePublisher();
    closeClient();
    if (state != State.FENCED) {
      state = State.STOPPED;
    }
  }

  private void setState(State s) {
    if (state != s) {
      LOG.debug("bridge {}: {} -> {}", config.bridgeId(), state, s);
      state = s;
    }
  }

  /**
   * Logs an outage once when it begins or changes kind and then every 30 s (refused authentication
   * at ERROR, the rest at WARN), the retries in between at DEBUG.
   */
  private void markUnavailable(State s, String reason) {
    long now = System.currentTimeMillis();
    boolean first = unavailableSince == 0;
    if (first) {
      unavailableSince = now;
    }
    setState(s);
    if (first || s != lastLoggedOutage || now - lastUnavailableLog >= 30_000) {
      lastUnavailableLog = now;
      lastLoggedOutage = s;
      boolean refused = s == State.BATON_AUTH_FAILED || s == State.KAFKA_AUTH_FAILED;
      String line = "bridge {}: {} for {} s ({}); lag {} entries; retrying with back-off";
      Object[] args = {config.bridgeId(), s, (now - unavailableSince) / 1000, reason,
          status().getValue("lagEntries", "unknown")};
      if (refused) {
        LOG.error(line, args);
      } else {
        LOG.warn(line, args);
      }
    } else {
      LOG.debug("bridge {}: still {}: {}", config.bridgeId(), s, reason);
    }
  }

  private long sleep(long backoff) {
    refreshBatonZxid();
    synchronized (lock) {
      try {
        long until = System.currentTimeMillis() + backoff;
        long left;
        while (running && (left = until - System.currentTimeMillis()) > 0) {
          beatNanos = System.nanoTime();
          lock.wait(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
    return Math.min(backoff * 2, config.backoffMaxMs());
  }

  private void refreshBatonZxid() {
    CoordinationClient c = client;
    if (c != null) {
      c.request(new JsonObject().put("op", "info"), 2_000).onSuccess(i -> batonZxid = i.getLong("zxid", -1L));
    }
  }

  private void openKafka() {
    if (!topicsReady && config.createTopics()) {
      Set<String> topics = new LinkedHashSet<>(router.topics());
      topics.add(config.checkpointTopic());
      if (config.ingressEnabled()) {
        topics.add(config.commandsTopic());
        topics.add(config.repliesTopic());
      }
      Topics.ensure(config, topics, Set.of(config.checkpointTopic()));
      topicsReady = true;
    }
    TxnPublisher p = TxnPublisher.open(config);
    try {
      Set<String> written = new LinkedHashSet<>(router.topics());
      written.add(config.checkpointTopic());
      for (String id : config.transactionalIds()) {
        Topics.abortHangingTransactions(config, id, written);
      }
      BridgeCheckpoint cp = p.readCheckpoint();
      if (cp != null) {
        committedZxid = cp.getZxid();
        records = cp.getRecords();
        resyncs = cp.getResyncs();
        LOG.info("bridge {}: checkpoint at zxid 0x{}", config.bridgeId(), Long.toHexString(cp.getZxid()));
      } else {
        committedZxid = -1;
      }
      publisher = p;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private void closePublisher() {
    if (publisher != null) {
      try {
        publisher.close();
      } catch (RuntimeException e) {
        LOG.debug("closing the producer failed", e);
      }
      publisher = null;
    }
  }

  private void connectBaton() throws InterruptedException {
    Promise<CoordinationClient> p = Promise.promise();
    context.runOnContext(v -> connector.connect().onComplete(p));
    CoordinationClient c = await(p.future(), config.sessionTimeoutMs() + 10_000L, true);
    broken = null;
    c.sessionLostHandler(s -> {
      broken = "session " + s;
      synchronized (lock) {
        lock.notifyAll();
      }
    });
    client = c;
  }

  private void closeClient() {
    CoordinationClient c = client;
    client = null;
    if (c != null) {
      try {
        await(c.close(), 5_000, false);
      } catch (RuntimeException | InterruptedException e) {
        LOG.debug("closing the Baton session failed: {}", e.toString());
      }
    }
  }

  /** Where to start without a checkpoint ({@code startFrom}); fixed once chosen. */
  private long startPosition() throws InterruptedException {
    if (initialStart == null) {
      String s = config.startFrom();
      if (s.equalsIgnoreCase("earliest")) {
        initialStart = 0L;
      } else if (s.equalsIgnoreCase("latest")) {
        initialStart = await(client.request(new JsonObject().put("op", "info")), 10_000, true).getLong("zxid");
      } else {
        initialStart = Long.decode(s);
      }
    }
    return initialStart;
  }

  private void resetQueue(long from) {
    synchronized (lock) {
      generation++;
      queue.clear();
      lastEnqueued = from;
      paused = false;
    }
  }

  private void openStream(long from) throws InterruptedException {
    long gen;
    synchronized (lock) {
      gen = generation;
    }
    streamFailed = null;
    stream = await(client.openEntryStream(from, events -> enqueue(gen, events)), 30_000, true);
    stream.exceptionHandler(t -> {
      streamFailed = t.getMessage();
      synchronized (lock) {
        lock.notifyAll();
      }
    });
  }

  private void closeStream() {
    ChangeStream s = stream;
    stream = null;
    synchronized (lock) {
      generation++;
    }
    if (s != null) {
      try {
        await(s.close(), 5_000, false);
      } catch (RuntimeException | InterruptedException e) {
        LOG.debug("closing the change stream failed: {}", e.toString());
      }
    }
  }

  private void enqueue(long gen, List<ChangeEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    long zxid = events.get(0).zxid();
    synchronized (lock) {
      if (gen != generation || zxid <= lastEnqueued) {
        return;
      }
      queue.addLast(new Entry(zxid, events));
      lastEnqueued = zxid;
      if (queue.size() == 1) {
        lock.notifyAll();
      }
    }
  }

  private void pump() throws InterruptedException {
    long lastCheck = System.currentTimeMillis();
    long enqueuedAtCheck = lastEnqueuedSnapshot();
    while (running) {
      beatNanos = System.nanoTime();
      if (broken != null) {
        throw new BatonFailure(broken, true, null);
      }
      String ended = streamFailed;
      if (ended != null) {
        throw new BatonFailure("Baton ended the change stream: " + ended, false, null);
      }
      flowControl();
      List<Entry> batch = takeBatch();
      if (!batch.isEmpty()) {
        publish(batch);
        continue;
      }
      long now = System.currentTimeMillis();
      if (!paused && now - lastCheck >= config.stallCheckMs()) {
        long enqueued = lastEnqueuedSnapshot();
        JsonObject info = await(client.request(new JsonObject().put("op", "info"), 10_000), 15_000, true);
        batonZxid = info.getLong("zxid", -1L);
        if (batonZxid > enqueued && enqueued == enqueuedAtCheck) {
          throw new BatonFailure("the change stream made no progress while Baton is at zxid 0x"
              + Long.toHexString(batonZxid), false, null);
        }
        lastCheck = now;
        enqueuedAtCheck = enqueued;
      }
    }
  }

  /** Closes the stream while too many entries wait, and reopens it after the last one once drained. */
  private void flowControl() throws InterruptedException {
    int size = queued();
    if (!paused && size >= config.maxQueuedEntries()) {
      ChangeStream s = stream;
      stream = null;
      if (s != null) {
        await(s.close(), 10_000, false);
      }
      paused = true;
      LOG.debug("bridge {}: {} entries queued, pausing the stream", config.bridgeId(), size);
    } else if (paused && size <= config.maxQueuedEntries() / 2) {
      long from;
      synchronized (lock) {
        generation++;
        from = lastEnqueued;
      }
      openStream(from);
      paused = false;
    }
  }

  private List<Entry> takeBatch() throws InterruptedException {
    synchronized (lock) {
      if (queue.isEmpty() && running && broken == null) {
        lock.wait(100);
      }
      if (!queue.isEmpty() && config.lingerMs() > 0 && queue.size() < config.maxBatchEntries()) {
        lock.wait(config.lingerMs());
      }
      int n = Math.min(queue.size(), config.maxBatchEntries());
      List<Entry> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(queue.pollFirst());
      }
      return out;
    }
  }

  private void publish(List<Entry> batch) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(batch.size() * 2);
    long[] times = new long[batch.size()];
    long[] zxids = new long[batch.size()];
    long last = committedZxid;
    int i = 0;
    for (Entry e : batch) {
      zxids[i] = e.zxid();
      times[i++] = e.events().get(0).time();
      if (e.zxid() <= last) {
        continue;
      }
      for (Mapped m : mapper.mapEntry(e.events(), false)) {
        Route r = router.route(m.event());
        if (r != null) {
          out.add(Records.record(r, m, config.maxRecordBytes()));
        }
      }
      last = e.zxid();
    }
    if (last == committedZxid) {
      return;
    }
    publishingSince = times[0];
    try {
      commit(out, last, batch.size(), zxids, times, false);
    } finally {
      publishingSince = -1;
    }
  }

  private void commit(List<ProducerRecord<byte[], byte[]>> out, long last, int entryCount, long[] zxids,
                      long[] times, boolean resync) {
    BridgeCheckpoint cp = BridgeCheckpoint.newBuilder().setBridgeId(config.bridgeId()).setZxid(last)
        .setTime(System.currentTimeMillis()).setRecords(records + out.size()).setResyncs(resyncs).build();
    long begin = System.nanoTime();
    try {
      publisher.commit(out, cp);
    } catch (RuntimeException e) {
      abortListeners.forEach(l -> l.accept(e));
      throw e;
    }
    long ackNanos = System.nanoTime();
    long ack = System.currentTimeMillis();
    committedZxid = last;
    records += out.size();
    entries += entryCount;
    transactions++;
    lastCommitMillis = ack;
    if (last > batonZxid) {
      batonZxid = last;
    }
    if (!commitListeners.isEmpty()) {
      Map<String, Integer> topics = new HashMap<>();
      out.forEach(r -> topics.merge(r.topic(), 1, Integer::sum));
      CommitInfo info = new CommitInfo(last, entryCount, out.size(), zxids, times, ack, ackNanos, topics,
          ackNanos - begin, resync);
      for (Consumer<CommitInfo> l : commitListeners) {
        try {
          l.accept(info);
        } catch (RuntimeException e) {
          LOG.warn("commit listener failed", e);
        }
      }
    }
  }

  // ------------------------------------------------------------------ resync

  /**
   * Publishes the current state of every routed prefix (records marked resync, between RESYNC
   * BEGIN and END markers on each topic) with the checkpoint at the zxid Baton was at when the read
   * began, in one transaction. Reads run after that zxid, so a resync record may already show a
   * change that the stream then delivers again as an event.
   */
  private void resync() throws InterruptedException {
    setState(State.RESYNCING);
    JsonObject info = await(client.request(new JsonObject().put("op", "info")), 15_000, true);
    long z0 = info.getLong("zxid");
    long now = System.currentTimeMillis();
    Map<String, Set<String>> prefixes = router.resyncPrefixes();
    List<Mapped> mapped = new ArrayList<>();
    for (String prefix : prefixes.keySet()) {
      scan(prefix, z0, now, mapped);
    }
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(mapped.size() + 8);
    int index = 0;
    for (Map.Entry<String, Set<String>> p : prefixes.entrySet()) {
      for (String topic : p.getValue()) {
        out.add(Records.resyncMarker(topic, p.getKey(), z0, now, "BEGIN", index++));
      }
    }
    for (Mapped m : mapped) {
      m.event().setEntryIndex(index++);
      Route r = router.route(m.event());
      if (r != null) {
        out.add(Records.record(r, m, config.maxRecordBytes()));
      }
    }
    for (Map.Entry<String, Set<String>> p : prefixes.entrySet()) {
      for (String topic : p.getValue()) {
        out.add(Records.resyncMarker(topic, p.getKey(), z0, now, "END", index++));
      }
    }
    resyncs++;
    commit(out, z0, 0, new long[0], new long[0], true);
    LOG.warn("bridge {}: resync published {} records of the state at zxid 0x{}", config.bridgeId(), out.size(),
        Long.toHexString(z0));
  }

  private void scan(String path, long zxid, long now, List<Mapped> out) throws InterruptedException {
    beatNanos = System.nanoTime();
    NodeData d;
    Children children;
    try {
      d = await(client.getData(path, false), 30_000, true);
      children = await(client.getChildren(path, false), 30_000, true);
    } catch (BatonException e) {
      if (e.code() == ErrorCode.NO_NODE) {
        return;
      }
      throw e;
    }
    if (!path.equals("/")) {
      mapper.map(new ChangeEvent(zxid, now, ChangeEvent.Kind.NODE_CREATED, path, d.stat().ephemeralOwner(),
          d.stat().version(), d.data(), null), true, out);
    }
    for (String name : children.names()) {
      scan(path.equals("/") ? "/" + name : path + "/" + name, zxid, now, out);
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Waits for a Baton future from the worker thread. A BatonException is rethrown as is (its code
   * matters); a timeout or another failure becomes a {@link BatonFailure}.
   */
  private static <T> T await(Future<T> f, long timeoutMs, boolean clientBrokenOnTimeout) throws InterruptedException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof BatonException be) {
        if (be.code() == ErrorCode.SESSION_EXPIRED || be.code() == ErrorCode.SYSTEM_ERROR
            || be.code() == ErrorCode.OPERATION_TIMEOUT) {
          throw new BatonFailure(be.getMessage(), true, be);
        }
        throw be;
      }
      throw new BatonFailure(String.valueOf(c), true, c);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new BatonFailure("no answer from Baton in " + timeoutMs + " ms", clientBrokenOnTimeout, e);
    }
  }
}
