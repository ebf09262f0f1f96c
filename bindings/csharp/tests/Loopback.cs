// Two sansip endpoints through the C# binding, wired by in-memory UDP
// datagrams on a virtual clock (no sockets): a MESSAGE each way, a call
// with application SDP set up and hung up, a refused command seen as
// SansipException, and the struct layouts printed (the test compares them
// with the C compiler's, from tests/layout.c).
// Compiled with mcs and run with mono by tests/bindings_csharp.rs; prints
// "csharp loopback: ok" when every check passed.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Sansip;

static class Loopback
{
    static int failures;
    static ulong now = 1000000;

    const string Offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    const string AnswerSdp = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio 4002 RTP/AVP 0\r\n";

    static void Check(bool ok, string what)
    {
        if (!ok)
        {
            Console.Error.WriteLine("check failed: " + what);
            failures++;
        }
    }

    sealed class Peer
    {
        public string Name;
        public Addr Addr;
        public Endpoint Ep;
        public List<Event> Events = new List<Event>();

        public Event Last(EventKind kind)
        {
            for (int i = Events.Count - 1; i >= 0; i--)
                if (Events[i].Kind == kind) return Events[i];
            return null;
        }
    }

    sealed class Datagram
    {
        public Addr Src, Dst;
        public byte[] Data;
    }

    static readonly Queue<Datagram> queue = new Queue<Datagram>();

    static Peer MakePeer(string name, string aor, ushort port, ulong seed)
    {
        var addr = Addr.Ipv4(127, 0, 0, 1, port);
        using (var cfg = new Config(aor))
        {
            cfg.AddLocal(Transport.Udp, addr).SetSeed(seed).SetUserAgent("sansip-csharp-test")
                .SetMessageTypes("text/plain", "text/html");
            return new Peer { Name = name, Addr = addr, Ep = new Endpoint(cfg, now) };
        }
    }

    static void Drain(Peer p)
    {
        for (;;)
        {
            Output o = p.Ep.PollOutput();
            if (o is Timeout) return;
            var t = o as Transmit;
            var e = o as Event;
            var r = o as Resolve;
            if (r != null)
            {
                // bob.test is bob's address; every other name is unknown.
                Console.WriteLine(p.Name + ": resolve " + r.Name + " " + r.RecordType);
                if (r.Name == "bob.test")
                    p.Ep.Resolved(now, r.QueryId, DnsStatus.Ok, DnsRecord.Address(Addr.Ipv4(127, 0, 0, 1, 5062)));
                else
                    p.Ep.Resolved(now, r.QueryId, DnsStatus.NotFound);
            }
            else if (t != null)
            {
                Check(t.Transport == Transport.Udp && t.Flow == null, "a UDP datagram");
                queue.Enqueue(new Datagram { Src = t.Local, Dst = t.Remote, Data = t.Data });
            }
            else if (e != null)
            {
                Check(e.Digit == null, "no DTMF digit outside a DTMF event");
                Console.WriteLine(p.Name + ": event " + e.Kind);
                p.Events.Add(e);
            }
            else
            {
                Console.Error.WriteLine(p.Name + ": unexpected output " + o.GetType().Name);
                failures++;
            }
        }
    }

    static void Run(params Peer[] peers)
    {
        foreach (var p in peers) Drain(p);
        while (queue.Count > 0)
        {
            Datagram d = queue.Dequeue();
            Peer to = null;
            foreach (var p in peers)
                if (p.Addr.Port == d.Dst.Port) to = p;
            Check(to != null, "a datagram to a known peer");
            if (to == null) continue;
            to.Ep.Receive(now, Transport.Udp, 1, d.Src, d.Dst, d.Data);
            Drain(to);
        }
    }

    // The native sizes and offsets of the structs, printed in the format
    // tests/layout.c prints the C ones: tests/bindings_csharp.rs compares them.
    static void Layouts()
    {
        Type output = typeof(Endpoint).Assembly.GetType("Sansip.NativeOutput");
        Type header = typeof(Endpoint).Assembly.GetType("Sansip.NativeHeader");
        Type str = typeof(Endpoint).Assembly.GetType("Sansip.NativeStr");
        Type presence = typeof(Endpoint).Assembly.GetType("Sansip.NativePresence");
        Console.WriteLine(string.Join(" ", new string[] {
            "layout",
            "sansip_addr=" + Marshal.SizeOf(typeof(Addr)),
            "sansip_addr.port=" + Marshal.OffsetOf(typeof(Addr), "Port"),
            "sansip_header=" + Marshal.SizeOf(header),
            "sansip_str=" + Marshal.SizeOf(str),
            "sansip_presence=" + Marshal.SizeOf(presence),
            "sansip_presence.note=" + Marshal.OffsetOf(presence, "Note"),
            "sansip_presence.contact_len=" + Marshal.OffsetOf(presence, "ContactLen"),
            "sansip_dns_record=" + Marshal.SizeOf(typeof(DnsRecord)),
            "sansip_dns_record.addr=" + Marshal.OffsetOf(typeof(DnsRecord), "Addr"),
            "sansip_dns_record.transport=" + Marshal.OffsetOf(typeof(DnsRecord), "Transport"),
            "sansip_dns_record.target_len=" + Marshal.OffsetOf(typeof(DnsRecord), "TargetLen"),
            "sansip_output=" + Marshal.SizeOf(output),
            "sansip_output.has_flow=" + Marshal.OffsetOf(output, "HasFlow"),
            "sansip_output.flow_id=" + Marshal.OffsetOf(output, "FlowId"),
            "sansip_output.local=" + Marshal.OffsetOf(output, "Local"),
            "sansip_output.remote=" + Marshal.OffsetOf(output, "Remote"),
            "sansip_output.data=" + Marshal.OffsetOf(output, "Data"),
            "sansip_output.query_id=" + Marshal.OffsetOf(output, "QueryId"),
            "sansip_output.record_type=" + Marshal.OffsetOf(output, "RecordType"),
            "sansip_output.timeout_us=" + Marshal.OffsetOf(output, "TimeoutUs"),
        }));
    }

    // Presence without XML: bob watches alice, who notifies a PIDF document
    // sansip writes; alice's dialog-info document of her calls.
    static void Presence(Peer alice, Peer bob)
    {
        ulong watch = bob.Ep.Subscribe(now, "sip:alice@127.0.0.1:5060", "presence", "application/pidf+xml", 600);
        Run(alice, bob);
        Event asked = alice.Last(EventKind.SubscriptionRequested);
        Check(asked != null && asked.Package == "presence", "alice is asked");
        if (asked == null) return;
        alice.Ep.AcceptSubscription(now, asked.Subscription.Value, 600);
        Run(alice, bob);
        alice.Ep.NotifyPresence(now, asked.Subscription.Value, SubscriptionState.Active, false, "Lunch & back", "away");
        Run(alice, bob);
        Event n = bob.Last(EventKind.Notification);
        Check(n != null && n.Subscription == watch && n.ContentType == "application/pidf+xml", "bob is notified");
        Check(n != null && n.Body.Contains("<basic>closed</basic>") && n.Body.Contains("Lunch &amp; back") && n.Body.Contains(":away/>"),
              "the PIDF document says closed, away, with the note escaped");
        string info = alice.Ep.DialogInfo(3);
        Check(info.Contains("version=\"3\"") && info.Contains("entity=\"sip:alice@127.0.0.1\""), "alice's dialog-info document");
        bob.Ep.Unsubscribe(now, watch);
        Run(alice, bob);
    }

    static void Messages(Peer alice, Peer bob)
    {
        var log = new List<string>();
        alice.Ep.SetLog(LogLevel.Debug, (level, target, text) =>
        {
            if (level == LogLevel.Debug && target == "transport") log.Add(text);
        });
        ulong toBob = alice.Ep.Message(now, "sip:bob@127.0.0.1:5062", "text/plain", "hello bob");
        Run(alice, bob);
        Check(log.Count == 2 && log[0] == "sending MESSAGE sip:bob@127.0.0.1:5062 SIP/2.0 to 127.0.0.1:5062 (UDP)",
              "alice's log at Debug: the MESSAGE out, its 200 in");
        alice.Ep.SetLog(LogLevel.Debug, null);
        log.Clear();
        Event m = bob.Last(EventKind.Message);
        Check(m != null && m.Body == "hello bob" && m.ContentType == "text/plain", "bob got the MESSAGE");
        Check(m != null && m.From.Contains("alice") && m.To.Contains("bob"), "From and To");
        Event d = alice.Last(EventKind.MessageDelivered);
        Check(d != null && d.MessageId == toBob && d.Status == 200, "alice's MESSAGE delivered");

        ulong toAlice = bob.Ep.Message(now, "sip:alice@127.0.0.1:5060", "text/plain",
            System.Text.Encoding.UTF8.GetBytes("hello alice \u00e9"), new Header("X-Account", "42"));
        Run(alice, bob);
        m = alice.Last(EventKind.Message);
        Check(m != null && m.Body == "hello alice \u00e9", "alice got the MESSAGE (UTF-8)");
        Check(log.Count == 0, "no log once the sink is removed");
        d = bob.Last(EventKind.MessageDelivered);
        Check(d != null && d.MessageId == toAlice, "bob's MESSAGE delivered");

        // To a name the host resolves (an ADDRESS record), and to one it cannot.
        ulong named = alice.Ep.Message(now, "sip:bob@bob.test", "text/plain", "by name");
        Run(alice, bob);
        d = alice.Last(EventKind.MessageDelivered);
        Check(d != null && d.MessageId == named, "the MESSAGE to a name was delivered");
        Check(bob.Last(EventKind.Message).Body == "by name", "bob got it");
        ulong lost = alice.Ep.Message(now, "sip:bob@nowhere.test", "text/plain", "lost");
        Run(alice, bob);
        Event f = alice.Last(EventKind.MessageFailed);
        Check(f != null && f.MessageId == lost && f.Failure == Failure.Unresolvable && f.Status == null,
            "the MESSAGE to an unknown name failed as unresolvable");
    }

    static void Call(Peer alice, Peer bob)
    {
        ulong call = alice.Ep.Invite(now, "sip:bob@127.0.0.1:5062", Offer);
        Run(alice, bob);
        Event incoming = bob.Last(EventKind.IncomingCall);
        Check(incoming != null && incoming.Body == Offer && incoming.ContentType == "application/sdp", "the offer arrived");
        if (incoming == null || incoming.Session == null) return;
        bob.Ep.Accept(now, incoming.Session.Value, AnswerSdp);
        Run(alice, bob);
        Event up = alice.Last(EventKind.CallAccepted);
        Check(up != null && up.Session == call && up.Body == AnswerSdp && up.Fork == 1, "the call is up with the answer");
        Check(bob.Last(EventKind.CallAccepted) != null, "bob's side is up");

        alice.Ep.Hangup(now, call);
        Run(alice, bob);
        Event end = alice.Last(EventKind.CallEnded);
        Check(end != null && end.EndReason == EndReason.LocalHangup, "alice hung up");
        end = bob.Last(EventKind.CallEnded);
        Check(end != null && end.EndReason == EndReason.RemoteHangup, "bob saw the hang-up");

        try
        {
            alice.Ep.Hangup(now, call);
            Check(false, "a second hang-up succeeded");
        }
        catch (SansipException e)
        {
            Check(e.Result == Result.NoSuchSession, "a second hang-up: NoSuchSession, got " + e.Result);
            Check(e.Message.StartsWith("SANSIP_RESULT_NO_SUCH_SESSION"), "the message names the result");
        }
    }

    static void Errors(Peer alice)
    {
        try
        {
            alice.Ep.Invite(now, "not a uri", (string)null);
            Check(false, "a bad URI was accepted");
        }
        catch (SansipException e)
        {
            Check(e.Result == Result.BadUri && e.Detail.Length > 0, "a bad URI: BadUri with a detail");
            Console.WriteLine("refused as expected: " + e.Message);
        }
        try
        {
            using (var cfg = new Config("sip:nobody@127.0.0.1"))
            using (new Endpoint(cfg, now))
                Check(false, "a config without a local address was accepted");
        }
        catch (SansipException e)
        {
            Check(e.Result == Result.BadConfig && e.Detail.Length > 0, "no local address: BadConfig with a detail");
        }
    }

    static int Main()
    {
        Check(Library.AbiVersion == Library.BindingsAbiVersion, "ABI version");
        Check(Library.Version.Length > 0, "a version");
        Layouts();
        Peer alice = MakePeer("alice", "sip:alice@127.0.0.1", 5060, 1);
        Peer bob = MakePeer("bob", "sip:bob@127.0.0.1", 5062, 2);
        try
        {
            Messages(alice, bob);
            Presence(alice, bob);
            Call(alice, bob);
            Errors(alice);
        }
        catch (SansipException e)
        {
            Console.Error.WriteLine("unexpected SansipException: " + e.Message);
            return 1;
        }
        alice.Ep.Dispose();
        alice.Ep.Dispose(); // a second Dispose does nothing
        Check(alice.Ep.Handle.IsClosed, "the handle is closed");
        try
        {
            alice.Ep.HandleTimeout(now);
            Check(false, "a disposed endpoint was used");
        }
        catch (ObjectDisposedException)
        {
            // The SafeHandle refuses before the call reaches sansip.
        }
        bob.Ep.Dispose();
        if (failures != 0)
        {
            Console.Error.WriteLine(failures + " check(s) failed");
            return 1;
        }
        Console.WriteLine("csharp loopback: ok");
        return 0;
    }
}
