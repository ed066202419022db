package io.baton.core.replication;

import io.baton.core.replication.RaftMessage.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The Raft consensus algorithm as a pure state machine, built like etcd's raft library: no I/O, no
 * clock, no threads. The host feeds it {@link #tick()}s and received {@link #step messages}, asks
 * for a {@link Ready} (state and entries to persist, messages to send, committed entries to apply),
 * carries it out and calls {@link #advance}. Includes pre-vote (a partitioned node cannot disrupt
 * the cluster when it comes back), leader stickiness (votes are refused while a leader is heard)
 * and check-quorum (a leader that stops hearing from a majority steps down).
 *
 * <h2>Compaction and snapshots</h2>
 * Once the host has a snapshot of its state machine through an applied index it calls
 * {@link #compact}, and the node drops the entries it covers. A follower that needs entries the
 * leader no longer has receives a {@link RaftMessage.Type#SNAPSHOT} instead (the host sends its
 * snapshot data with it); the follower's {@link Ready#snapshot()} then tells its host to install
 * that data. While a snapshot is outstanding to a follower the leader sends it nothing else, until
 * the follower acknowledges it or an election timeout passes (then it sends it again).
 */
public final class RaftNode {
  /** Roles of a node. */
  public enum Role {
    FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER
  }

  private static final class Progress {
    long match;
    long next;
    /** Index of the snapshot sent and not yet acknowledged, 0 if none. */
    long pendingSnapshot;
    int snapshotElapsed;
  }

  private final long id;
  private final List<Long> peers;
  private final RaftConfig config;
  private final Random random;
  private final RaftLog log;
  private final Map<Long, Progress> progress = new HashMap<>();
  private final Map<Long, Boolean> votes = new HashMap<>();
  private final Set<Long> recentActive = new HashSet<>();
  private final List<RaftMessage> outbox = new ArrayList<>();
  private long term;
  private long vote;
  private long leader;
  private Role role = Role.FOLLOWER;
  private int electionElapsed;
  private int heartbeatElapsed;
  private int randomizedTimeout;
  private HardState lastReported;

  /**
   * A node whose log has never been compacted.
   *
   * @param id        this node (non-zero)
   * @param voters    every voting node, this one included
   * @param persisted the last persisted hard state ({@code new HardState(0, 0, 0)} for a new node)
   * @param entries   the persisted log, from index 1
   * @param applied   the last index the host's state machine has applied
   */
  public RaftNode(long id, List<Long> voters, RaftConfig config, Random random, HardState persisted,
                  List<Entry> entries, long applied) {
    this(id, voters, config, random, persisted, null, entries, applied);
  }

  /**
   * @param id        this node (non-zero)
   * @param voters    every voting node, this one included
   * @param persisted the last persisted hard state ({@code new HardState(0, 0, 0)} for a new node)
   * @param snapshot  the persisted compaction point, null if none
   * @param entries   the persisted log after the snapshot (from its index + 1, or from 1)
   * @param applied   the last index the host's state machine has applied: at least the snapshot's
   */
  public RaftNode(long id, List<Long> voters, RaftConfig config, Random random, HardState persisted,
                  SnapshotMeta snapshot, List<Entry> entries, long applied) {
    if (id == 0 || !voters.contains(id)) {
      throw new IllegalArgumentException("node " + id + " must be one of the voters " + voters);
    }
    if (snapshot != null && applied < snapshot.index()) {
      throw new IllegalArgumentException("applied " + applied + " is behind the snapshot at " + snapshot.index());
    }
    this.id = id;
    this.peers = List.copyOf(voters);
    this.config = config;
    this.random = random;
    this.log = new RaftLog(snapshot, entries, persisted.commit(), applied);
    this.term = persisted.term();
    this.vote = persisted.vote();
    this.lastReported = persisted;
    resetRandomizedTimeout();
  }

  public long id() {
    return id;
  }

  public long term() {
    return term;
  }

  public Role role() {
    return role;
  }

  /** The leader this node follows (itself when leading), 0 if unknown. */
  public long leader() {
    return leader;
  }

  public long commitIndex() {
    return log.committed();
  }

  /** The highest index known to be in {@code peer}'s log while this node leads; -1 otherwise. */
  public long matchIndex(long peer) {
    Progress p = role == Role.LEADER ? progress.get(peer) : null;
    return p == null ? -1 : p.match;
  }

  public long lastIndex() {
    return log.lastIndex();
  }

  /**
   * Up to {@code max} committed entries after {@code index}, for a host that applies them while a
   * {@link Ready} is still being persisted (committed entries are durable on a quorum); empty if
   * there are none or they are compacted. They come again in a later Ready's committed entries.
   */
  public List<Entry> committedAfter(long index, int max) {
    SnapshotMeta s = snapshot();
    if (index >= log.committed() || (s != null && index < s.index())) {
      return List.of();
    }
    return log.slice(index + 1, (int) Math.min(max, log.committed() - index));
  }

  /** Term of the entry at {@code index}, -1 if this node does not have it (or it is compacted). */
  public long termAt(long index) {
    return log.term(index);
  }

  /** The compaction point: the log holds only entries after it. Null if nothing was compacted. */
  public SnapshotMeta snapshot() {
    return log.snapshot();
  }

  /**
   * The host has durably captured its state machine through {@code index} (at most the applied
   * index): drops the entries up to it, which from now on reach lagging followers as a snapshot.
   * Call it between Readys (not between {@link #ready()} and {@link #advance}); an index at or below
   * the current compaction point is ignored.
   */
  public void compact(long index) {
    if (index > log.applied()) {
      throw new IllegalArgumentException("cannot compact to " + index + " beyond applied " + log.applied());
    }
    if (index > log.snapshotIndex()) {
      log.compact(index);
    }
  }

  private int quorum() {
    return peers.size() / 2 + 1;
  }

  // ------------------------------------------------------------------ inputs

  /** Advances logical time by one tick. */
  public void tick() {
    if (role == Role.LEADER) {
      heartbeatElapsed++;
      electionElapsed++;
      if (electionElapsed >= config.electionTicks()) {
        electionElapsed = 0;
        recentActive.add(id);
        if (recentActive.size() < quorum()) {
          becomeFollower(term, 0);
          return;
        }
        recentActive.clear();
      }
      for (Map.Entry<Long, Progress> e : progress.entrySet()) {
        Progress p = e.getValue();
        if (p.pendingSnapshot != 0 && ++p.snapshotElapsed >= config.electionTicks()) {
          p.pendingSnapshot = 0;
          sendAppend(e.getKey());
        }
      }
      if (heartbeatElapsed >= config.heartbeatTicks()) {
        heartbeatElapsed = 0;
        broadcastAppend();
      }
    } else {
      electionElapsed++;
      if (electionElapsed >= randomizedTimeout) {
        campaign(config.preVote());
      }
    }
  }

  /**
   * Proposes a new entry; returns its index, or -1 if this node is not the leader (the host then
   * forwards the proposal to {@link #leader()}).
   */
  public long propose(byte[] data) {
    return propose(List.of(data));
  }

  /**
   * Proposes several entries at once, replicated in one round of messages; returns the first one's
   * index (the others follow it), or -1 if this node is not the leader.
   */
  public long propose(List<byte[]> data) {
    if (role != Role.LEADER || data.isEmpty()) {
      return -1;
    }
    long first = log.lastIndex() + 1;
    for (byte[] d : data) {
      log.append(new Entry(log.lastIndex() + 1, term, d));
    }
    broadcastAppend();
    return first;
  }

  /**
   * The connection from {@code peer} closed. If it is this follower's leader, the leader has most
   * likely died (a crashed process's connections close at once): its lease is dropped and the election
   * timer is moved past the base timeout, so this node campaigns within the randomized rest (0 to
   * electionTicks ticks) instead of a whole timeout. A live leader loses nothing: the other followers
   * still hear from it and ignore the pre-vote (their lease holds), and its next append makes this node
   * follow it again. Returns whether {@code peer} was this follower's leader.
   */
  public boolean peerLost(long peer) {
    if (role != Role.FOLLOWER || leader != peer) {
      return false;
    }
    electionElapsed = Math.max(electionElapsed, config.electionTicks());
    return true;
  }

  /** Handles a message from another node. */
  public void step(RaftMessage m) {
    if (m.term() > term) {
      boolean futureVote = m.type() == Type.PRE_VOTE || (m.type() == Type.PRE_VOTE_RESP && !m.reject());
      if ((m.type() == Type.VOTE || m.type() == Type.PRE_VOTE) && inLease()) {
        return;
      }
      if (!futureVote) {
        becomeFollower(m.term(), m.type() == Type.APPEND || m.type() == Type.SNAPSHOT ? m.from() : 0);
      }
    } else if (m.term() < term) {
      if (m.type() == Type.APPEND || m.type() == Type.SNAPSHOT || m.type() == Type.PRE_VOTE
          || m.type() == Type.VOTE) {
        Type reply = m.type() == Type.APPEND || m.type() == Type.SNAPSHOT ? Type.APPEND_RESP
            : m.type() == Type.PRE_VOTE ? Type.PRE_VOTE_RESP : Type.VOTE_RESP;
        send(new RaftMessage(reply, id, m.from(), term, m.index(), 0, List.of(), 0, true, log.lastIndex()));
      }
      return;
    }
    switch (m.type()) {
      case PRE_VOTE, VOTE -> voteRequest(m);
      case PRE_VOTE_RESP -> {
        if (role == Role.PRE_CANDIDATE) {
          tally(m, () -> campaign(false));
        }
      }
      case VOTE_RESP -> {
        if (role == Role.CANDIDATE) {
          tally(m, this::becomeLeader);
        }
      }
      case APPEND -> append(m);
      case SNAPSHOT -> snapshot(m);
      case APPEND_RESP -> {
        if (role == Role.LEADER) {
          appendResponse(m);
        }
      }
    }
  }

  /**
   * Whether this node is the leader (its check-quorum holds) or heard from a live leader recently:
   * then a vote request of a higher term is ignored, so a node that rejoins with an up-to-date log
   * (restarted, or woken from a pause) cannot depose a healthy leader (etcd's lease check).
   */
  private boolean inLease() {
    return role == Role.LEADER || role == Role.FOLLOWER && leader != 0 && electionElapsed < config.electionTicks();
  }

  private void voteRequest(RaftMessage m) {
    boolean pre = m.type() == Type.PRE_VOTE;
    boolean canVote = pre ? m.term() > term || vote == 0 || vote == m.from() : vote == 0 || vote == m.from();
    boolean grant = canVote && log.isUpToDate(m.index(), m.logTerm());
    Type reply = pre ? Type.PRE_VOTE_RESP : Type.VOTE_RESP;
    send(new RaftMessage(reply, id, m.from(), grant && pre ? m.term() : term, 0, 0, List.of(), 0, !grant, 0));
    if (grant && !pre) {
      vote = m.from();
      electionElapsed = 0;
    }
  }

  private void tally(RaftMessage m, Runnable won) {
    votes.putIfAbsent(m.from(), !m.reject());
    long granted = votes.values().stream().filter(v -> v).count();
    long rejected = votes.size() - granted;
    if (granted >= quorum()) {
      won.run();
    } else if (rejected >= quorum()) {
      becomeFollower(term, 0);
    }
  }

  private void follow(long from) {
    if (role != Role.FOLLOWER) {
      becomeFollower(term, from);
    }
    leader = from;
    electionElapsed = 0;
  }

  private void append(RaftMessage m) {
    follow(m.from());
    if (m.index() < log.committed()) {
      send(new RaftMessage(Type.APPEND_RESP, id, m.from(), term, log.committed(), 0, List.of(), 0, false, 0));
      return;
    }
    if (log.term(m.index()) != m.logTerm()) {
      send(new RaftMessage(Type.APPEND_RESP, id, m.from(), term, m.index(), 0, List.of(), 0, true,
          Math.min(m.index() - 1, log.lastIndex())));
      return;
    }
    long lastNew = log.appendAfter(m.index(), m.entries());
    log.commitTo(Math.min(m.commit(), lastNew));
    send(new RaftMessage(Type.APPEND_RESP, id, m.from(), term, lastNew, 0, List.of(), 0, false, 0));
  }

  /**
   * A snapshot at or below the commit index is stale; one whose last entry this log already holds
   * only moves the commit index (the log is kept); otherwise the log is replaced by the snapshot,
   * which the next Ready asks the host to install. Every case answers with the commit index.
   */
  private void snapshot(RaftMessage m) {
    follow(m.from());
    if (m.index() > log.committed()) {
      if (log.term(m.index()) == m.logTerm()) {
        log.commitTo(m.index());
      } else {
        log.restore(new SnapshotMeta(m.index(), m.logTerm()));
      }
    }
    send(new RaftMessage(Type.APPEND_RESP, id, m.from(), term, log.committed(), 0, List.of(), 0, false, 0));
  }

  private void appendResponse(RaftMessage m) {
    Progress p = progress.get(m.from());
    if (p == null) {
      return;
    }
    recentActive.add(m.from());
    if (p.pendingSnapshot != 0) {
      if (m.reject() || m.index() < p.pendingSnapshot) {
        return; // an answer to an append sent before the snapshot: keep waiting for the snapshot's
      }
      p.pendingSnapshot = 0;
    }
    if (m.reject()) {
      if (m.index() <= p.match) {
        return;
      }
      p.next = Math.max(p.match + 1, Math.min(m.index(), m.hint() + 1));
      sendAppend(m.from());
      return;
    }
    if (m.index() > p.match) {
      p.match = m.index();
      if (p.next <= p.match) {
        p.next = p.match + 1;
      }
      if (maybeCommit()) {
        broadcastAppend();
        return;
      }
    }
    if (p.next <= log.lastIndex()) {
      sendAppend(m.from());
    }
  }

  private boolean maybeCommit() {
    List<Long> matches = new ArrayList<>();
    for (long peer : peers) {
      matches.add(peer == id ? log.stable() : progress.get(peer).match);
    }
    matches.sort(null);
    long quorumIndex = matches.get(matches.size() - quorum());
    if (quorumIndex > log.committed() && log.term(quorumIndex) == term) {
      log.commitTo(quorumIndex);
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ roles

  private void campaign(boolean pre) {
    votes.clear();
    electionElapsed = 0;
    resetRandomizedTimeout();
    long campaignTerm;
    if (pre) {
      role = Role.PRE_CANDIDATE;
      campaignTerm = term + 1;
    } else {
      role = Role.CANDIDATE;
      term++;
      vote = id;
      leader = 0;
      campaignTerm = term;
    }
    votes.put(id, true);
    if (votes.size() >= quorum()) {
      if (pre) {
        campaign(false);
      } else {
        becomeLeader();
      }
      return;
    }
    Type type = pre ? Type.PRE_VOTE : Type.VOTE;
    for (long peer : peers) {
      if (peer != id) {
        send(new RaftMessage(type, id, peer, campaignTerm, log.lastIndex(), log.lastTerm(), List.of(), 0, false, 0));
      }
    }
  }

  private void becomeFollower(long newTerm, long newLeader) {
    if (newTerm != term) {
      term = newTerm;
      vote = 0;
    }
    role = Role.FOLLOWER;
    leader = newLeader;
    electionElapsed = 0;
    votes.clear();
    resetRandomizedTimeout();
  }

  private void becomeLeader() {
    role = Role.LEADER;
    leader = id;
    progress.clear();
    for (long peer : peers) {
      if (peer != id) {
        Progress p = new Progress();
        p.next = log.lastIndex() + 1;
        progress.put(peer, p);
      }
    }
    recentActive.clear();
    electionElapsed = 0;
    heartbeatElapsed = 0;
    log.append(new Entry(log.lastIndex() + 1, term, new byte[0]));
    broadcastAppend();
  }

  private void resetRandomizedTimeout() {
    randomizedTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
  }

  // ------------------------------------------------------------------ output

  private void broadcastAppend() {
    for (long peer : peers) {
      if (peer != id) {
        sendAppend(peer);
      }
    }
  }

  /** Sends the peer the entries from its next index, or the snapshot if they are compacted. */
  private void sendAppend(long peer) {
    Progress p = progress.get(peer);
    if (p.pendingSnapshot != 0) {
      return;
    }
    long prev = p.next - 1;
    if (prev < log.snapshotIndex()) {
      p.pendingSnapshot = log.snapshotIndex();
      p.snapshotElapsed = 0;
      send(new RaftMessage(Type.SNAPSHOT, id, peer, term, log.snapshotIndex(), log.term(log.snapshotIndex()),
          List.of(), log.committed(), false, 0));
      return;
    }
    List<Entry> entries = log.slice(p.next, config.maxEntriesPerMessage(), config.maxBytesPerMessage());
    send(new RaftMessage(Type.APPEND, id, peer, term, prev, log.term(prev), entries, log.committed(), false, 0));
    if (!entries.isEmpty()) {
      p.next = entries.get(entries.size() - 1).index() + 1;
    }
  }

  private void send(RaftMessage m) {
    outbox.add(m);
  }

  /** True if there is anything for the host to do. */
  public boolean hasReady() {
    return !outbox.isEmpty() || log.pendingSnapshot() != null || !log.unstable().isEmpty()
        || !log.toApply().isEmpty() || !hardState().equals(lastReported);
  }

  private HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  /** What the host must persist, send and apply now; messages are handed over (not repeated). */
  public Ready ready() {
    HardState hs = hardState();
    Ready r = new Ready(hs.equals(lastReported) ? null : hs, log.unstable(), List.copyOf(outbox), log.toApply(),
        log.pendingSnapshot());
    outbox.clear();
    return r;
  }

  /** The host has installed, persisted, sent and applied what {@code ready} held. */
  public void advance(Ready ready) {
    if (ready.snapshot() != null) {
      log.installed(ready.snapshot());
    }
    if (ready.hardState() != null) {
      lastReported = ready.hardState();
    }
    if (!ready.entries().isEmpty()) {
      Entry last = ready.entries().get(ready.entries().size() - 1);
      log.stableTo(last.index(), last.term());
    }
    if (!ready.committed().isEmpty()) {
      log.appliedTo(ready.committed().get(ready.committed().size() - 1).index());
    }
    if (role == Role.LEADER && maybeCommit()) {
      broadcastAppend();
    }
  }
}
