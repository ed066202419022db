package io.baton.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.baton.vertx.spi.cluster.BatonClusterManager;
import io.baton.vertx.spi.cluster.BatonClusterOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One clustered Vert.x instance of {@link ClusterManagerBench}, a child JVM: {@code responder} answers
 * on {@value #ADDRESS}; {@code requester} drives the load and watches the responder's registration go,
 * on commands read from stdin, answering with lines starting {@value #TAG} on stdout.
 *
 * <p>Arguments: {@code baton <host:port> <session timeout ms>} or
 * {@code hazelcast <own port> <member port>,<member port>}, then the role.
 */
final class ClusterNode {
  static final String ADDRESS = "bench.echo";
  static final String TAG = "@@ ";
  private static final Buffer PAYLOAD = Buffer.buffer(new byte[100]);

  private final ClusterManager manager;
  private final Vertx vertx;
  private final EventBus bus;

  private ClusterNode(ClusterManager manager) throws Exception {
    this.manager = manager;
    this.vertx = Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new io.vertx.core.eventbus.EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(manager).buildClustered().await(120, TimeUnit.SECONDS);
    this.bus = vertx.eventBus();
  }

  public static void main(String[] args) throws Exception {
    ClusterManager manager = switch (args[0]) {
      case "baton" -> new BatonClusterManager(BatonClusterOptions.defaults().withServers(List.of(args[1]))
          .withSessionTimeout(Integer.parseInt(args[2])));
      case "hazelcast" -> new HazelcastClusterManager(hazelcast(Integer.parseInt(args[1]), args[2].split(",")));
      default -> throw new IllegalArgumentException("baton or hazelcast, was " + args[0]);
    };
    ClusterNode node = new ClusterNode(manager);
    if (args[args.length - 1].equals("responder")) {
      node.bus.<Buffer>consumer(ADDRESS, m -> m.reply(m.body())).completion().await(60, TimeUnit.SECONDS);
      say("READY");
    } else {
      node.awaitResponder();
      node.serveCommands();
    }
  }

  /** Hazelcast on 127.0.0.1 only: TCP-IP join to the given ports, no multicast, no phone-home. */
  private static Config hazelcast(int port, String[] memberPorts) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("baton-bench");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true)
        .setMembers(Arrays.stream(memberPorts).map(p -> "127.0.0.1:" + p).toList());
    return config;
  }

  private void serveCommands() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] c = line.trim().split(" ");
      switch (c[0]) {
        case "load" -> load(Integer.parseInt(c[1]), Long.parseLong(c[2]), Long.parseLong(c[3]));
        case "watch" -> watch();
        case "await" -> awaitResponder();
        case "quit" -> {
          vertx.close().await(30, TimeUnit.SECONDS);
          System.exit(0);
        }
        default -> say("ERROR unknown command " + line);
      }
    }
  }

  /** Until a request is answered: the responder's registration is seen. */
  private void awaitResponder() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        bus.request(ADDRESS, PAYLOAD, new DeliveryOptions().setSendTimeout(2_000)).await(5, TimeUnit.SECONDS);
        say("READY");
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          say("ERROR responder not answering: " + e);
          return;
        }
        Thread.sleep(50);
      }
    }
  }

  private void load(int inFlight, long warmupMs, long measureMs) throws InterruptedException {
    Load.Result r = Load.run(1, inFlight, warmupMs, measureMs, Long.MAX_VALUE,
        (session, n, done) -> bus.request(ADDRESS, PAYLOAD).onComplete(ar -> done.done(ar.succeeded())));
    say(String.format(java.util.Locale.ROOT, "RESULT %d %.6f %d %d %d %d", r.ops(), r.seconds(), r.errors(),
        r.latency().getValueAtPercentile(50), r.latency().getValueAtPercentile(99),
        r.latency().getValueAtPercentile(99.9)));
  }

  /**
   * After WATCHING, every 10 ms: asks the cluster manager for the address's registrations and sends a
   * request; prints the wall-clock time of the first empty listing and of the first NO_HANDLERS failure.
   */
  private void watch() throws InterruptedException {
    AtomicBoolean registrationsGone = new AtomicBoolean();
    AtomicBoolean noHandlers = new AtomicBoolean();
    say("WATCHING");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!(registrationsGone.get() && noHandlers.get()) && System.nanoTime() < deadline) {
      Promise<List<RegistrationInfo>> regs = Promise.promise();
      manager.getRegistrations(ADDRESS, regs);
      regs.future().onSuccess(l -> {
        if (l.isEmpty() && registrationsGone.compareAndSet(false, true)) {
          say("REGISTRATIONS_GONE " + System.currentTimeMillis());
        }
      });
      bus.request(ADDRESS, PAYLOAD, new DeliveryOptions().setSendTimeout(2_000)).onFailure(e -> {
        if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            && noHandlers.compareAndSet(false, true)) {
          say("NO_HANDLERS " + System.currentTimeMillis());
        }
      });
      Thread.sleep(10);
    }
    if (!(registrationsGone.get() && noHandlers.get())) {
      say("ERROR still registered 180 s after the watch began");
    }
  }

  private static synchronized void say(String line) {
    System.out.println(TAG + line);
    System.out.flush();
  }
}
