package io.baton.vertx.spi.cluster.impl;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus's subscription registry. A clustered registration is an ephemeral
 * {@code <prefix>/subs/<address>/<nodeId>-<seq>} of the registering node's session (under a container node
 * per address), so it vanishes with the node; local-only registrations stay in this process. Every node
 * caches the whole registry, kept current by a persistent recursive watch on {@code subs} (created and
 * deleted events carry all a registration is, in its name) and re-read after a reconnect, so
 * {@link #get} never waits. The listener is told of each address whose registrations changed, if it
 * {@link RegistrationListener#wantsUpdatesFor wants it}.
 */
public final class Subscriptions implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
  private static final int CREATE_ATTEMPTS = 5;
  private final Connection connection;
  private final Layout layout;
  private final Notifier notifier;
  /** Address -> child name -> registration, as last seen in Baton. */
  private final Map<String, Map<String, RegistrationInfo>> remote = new ConcurrentHashMap<>();
  private final Map<String, Set<RegistrationInfo>> localOnly = new ConcurrentHashMap<>();
  /** This node's clustered registrations, put back after a new session. */
  private final Map<String, Set<RegistrationInfo>> own = new ConcurrentHashMap<>();
  private volatile RegistrationListener listener;

  public Subscriptions(Connection connection, Layout layout, Notifier notifier) {
    this.connection = connection;
    this.layout = layout;
    this.notifier = notifier;
  }

  public void listener(RegistrationListener l) {
    this.listener = l;
  }

  /** Watches the registry and reads it whole. */
  public Future<Void> start() {
    return Retry.onConnectionLoss(connection, () -> {
      CoordinationClient c = connection.client();
      return Nodes.ensure(c, layout.subs())
          .compose(v -> c.addWatch(layout.subs(), AddWatchMode.PERSISTENT_RECURSIVE))
          .compose(v -> readAll(c));
    });
  }

  public Future<Void> add(String address, RegistrationInfo info) {
    if (info.localOnly()) {
      localOnly.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(info);
      changed(address);
      return Future.succeededFuture();
    }
    own.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(info);
    return Retry.onConnectionLoss(connection, () -> create(connection.client(), address, info, CREATE_ATTEMPTS));
  }

  public Future<Void> remove(String address, RegistrationInfo info) {
    if (info.localOnly()) {
      Set<RegistrationInfo> set = localOnly.get(address);
      if (set != null && set.remove(info)) {
        changed(address);
      }
      return Future.succeededFuture();
    }
    Set<RegistrationInfo> mine = own.get(address);
    if (mine != null) {
      mine.remove(info);
    }
    String name = childName(info);
    return Retry.onConnectionLoss(connection, () -> connection.client().delete(layout.subsOf(address) + "/" + name, -1)
        .recover(t -> Errors.is(t, ErrorCode.NO_NODE) ? Future.succeededFuture() : Future.failedFuture(t)))
        .onSuccess(v -> forget(address, name));
  }

  /**
   * The registrations of {@code address} as they are now, local-only ones included: read from Baton after
   * a {@code sync} (Vert.x asks when it has no view of the address yet, and a registration another node has
   * just completed must be seen), falling back to the cache if Baton cannot answer.
   */
  public Future<List<RegistrationInfo>> fetch(String address) {
    String dir = layout.subsOf(address);
    return Retry.onConnectionLoss(connection, () -> {
      CoordinationClient c = connection.client();
      return c.sync(dir).compose(v -> c.getChildren(dir, false));
    }).map(children -> {
      List<RegistrationInfo> list = localOf(address);
      for (String name : children.names()) {
        RegistrationInfo info = parse(name);
        if (info != null) {
          list.add(info);
        }
      }
      return list;
    }).recover(t -> {
      if (Errors.is(t, ErrorCode.NO_NODE)) {
        return Future.succeededFuture(localOf(address));
      }
      LOG.debug("reading the registrations of {} failed, answering from the cache: {}", address, t.toString());
      return Future.succeededFuture(get(address));
    });
  }

  /** The registrations of {@code address} as last seen, local-only ones included; never blocks. */
  public List<RegistrationInfo> get(String address) {
    List<RegistrationInfo> list = localOf(address);
    Map<String, RegistrationInfo> r = remote.get(address);
    if (r != null) {
      list.addAll(r.values());
    }
    return list;
  }

  private List<RegistrationInfo> localOf(String address) {
    Set<RegistrationInfo> local = localOnly.get(address);
    return local == null ? new ArrayList<>() : new ArrayList<>(local);
  }

  private Future<Void> create(CoordinationClient c, String address, RegistrationInfo info, int attempts) {
    String dir = layout.subsOf(address);
    String name = childName(info);
    return c.create(dir, new byte[0], CreateMode.CONTAINER).<Void>mapEmpty()
        .recover(t -> Errors.is(t, ErrorCode.NODE_EXISTS) ? Future.succeededFuture() : Future.failedFuture(t))
        .compose(v -> c.create(dir + "/" + name, new byte[0], CreateMode.EPHEMERAL).<Void>mapEmpty())
        .recover(t -> {
          if (Errors.is(t, ErrorCode.NODE_EXISTS)) {
            return Future.succeededFuture();
          }
          if (Errors.is(t, ErrorCode.NO_NODE) && attempts > 1) {
            return create(c, address, info, attempts - 1);    // the container went with its last child meanwhile
          }
          return Future.failedFuture(t);
        })
        .onSuccess(v -> learn(address, name, info));
  }

  @Override
  public void watchEvent(WatchEvent event) {
    String path = event.path();
    String subs = layout.subs();
    if (!path.startsWith(subs + "/")) {
      return;
    }
    String rest = path.substring(subs.length() + 1);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      if (event.type() == EventType.NodeDeleted && remote.remove(Layout.address(rest)) != null) {
        changed(Layout.address(rest));
      }
      return;
    }
    String address = Layout.address(rest.substring(0, slash));
    String name = rest.substring(slash + 1);
    if (event.type() == EventType.NodeCreated) {
      RegistrationInfo info = parse(name);
      if (info != null) {
        learn(address, name, info);
      }
    } else if (event.type() == EventType.NodeDeleted) {
      forget(address, name);
    }
  }

  @Override
  public void resync() {
    readAll(connection.client()).onFailure(t -> LOG.warn("re-reading the subscriptions failed: {}", t.toString()));
  }

  @Override
  public void sessionReplaced() {
    CoordinationClient c = connection.client();
    List<Future<Void>> back = new ArrayList<>();
    own.forEach((address, infos) -> infos.forEach(info -> back.add(create(c, address, info, CREATE_ATTEMPTS))));
    Nodes.ensure(c, layout.subs())
        .compose(v -> c.addWatch(layout.subs(), AddWatchMode.PERSISTENT_RECURSIVE))
        .compose(v -> Future.join(back))
        .compose(v -> readAll(c))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("putting this node's subscriptions back failed: {}", ar.cause().toString());
          }
          RegistrationListener l = listener;
          if (l != null) {
            notifier.notify("registrationsLost", l::registrationsLost);
          }
        });
  }

  /** Replaces the cache with a fresh listing of every address. */
  private Future<Void> readAll(CoordinationClient c) {
    return c.getChildren(layout.subs(), false).compose(top -> {
      Set<String> present = new HashSet<>();
      List<Future<Void>> reads = new ArrayList<>();
      for (String segment : top.names()) {
        String address = Layout.address(segment);
        present.add(address);
        reads.add(c.getChildren(layout.subsOf(address), false)
            .map(children -> {
              Map<String, RegistrationInfo> fresh = new ConcurrentHashMap<>();
              for (String name : children.names()) {
                RegistrationInfo info = parse(name);
                if (info != null) {
                  fresh.put(name, info);
                }
              }
              replace(address, fresh);
              return (Void) null;
            })
            .recover(t -> Errors.is(t, ErrorCode.NO_NODE) ? Future.succeededFuture() : Future.failedFuture(t)));
      }
      for (String address : new ArrayList<>(remote.keySet())) {
        if (!present.contains(address)) {
          replace(address, new ConcurrentHashMap<>());
        }
      }
      return Future.all(reads).mapEmpty();
    });
  }

  private void replace(String address, Map<String, RegistrationInfo> fresh) {
    Map<String, RegistrationInfo> old = fresh.isEmpty() ? remote.remove(address) : remote.put(address, fresh);
    if (old == null ? !fresh.isEmpty() : !old.equals(fresh)) {
      changed(address);
    }
  }

  private void learn(String address, String name, RegistrationInfo info) {
    if (remote.computeIfAbsent(address, a -> new ConcurrentHashMap<>()).put(name, info) == null) {
      changed(address);
    }
  }

  private void forget(String address, String name) {
    Map<String, RegistrationInfo> r = remote.get(address);
    if (r != null && r.remove(name) != null) {
      remote.computeIfPresent(address, (a, m) -> m.isEmpty() ? null : m);
      changed(address);
    }
  }

  private void changed(String address) {
    RegistrationListener l = listener;
    if (l != null && l.wantsUpdatesFor(address)) {
      List<RegistrationInfo> now = get(address);
      notifier.notify("registrationsUpdated " + address,
          () -> l.registrationsUpdated(new RegistrationUpdateEvent(address, now)));
    }
  }

  private static String childName(RegistrationInfo info) {
    return info.nodeId() + "-" + info.seq();
  }

  private static RegistrationInfo parse(String name) {
    int dash = name.lastIndexOf('-');
    try {
      return new RegistrationInfo(name.substring(0, dash), Long.parseLong(name.substring(dash + 1)), false);
    } catch (RuntimeException e) {
      LOG.warn("ignoring a malformed registration node '{}'", name);
      return null;
    }
  }
}
