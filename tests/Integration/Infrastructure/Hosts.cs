namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>History of 10 events per stream, so a resume point is quickly pushed out of the ring.</summary>
public sealed class SmallHistoryHost() : BeaconHost(("Realtime:HistorySize", "10"));

/// <summary>Queues of 16 frames, so a client that stops reading is disconnected quickly.</summary>
public sealed class SmallQueueHost() : BeaconHost(("Realtime:QueueCapacity", "16"), ("Realtime:MaxClients", "200"));

/// <summary>At most 2 connections per user on the node.</summary>
public sealed class TwoStreamsPerUserHost() : BeaconHost(("Realtime:MaxStreamsPerUser", "2"));

/// <summary>At most 3 connections.</summary>
public sealed class ThreeClientsHost() : BeaconHost(("Realtime:MaxClients", "3"));

/// <summary>A 4 KB payload limit, so the 413 path is cheap to reach.</summary>
public sealed class SmallPayloadHost() : BeaconHost(("Realtime:MaxPayloadBytes", "4096"));

/// <summary>Anonymous mode off, as in production: every stream needs a token.</summary>
public sealed class NoAnonymousHost() : BeaconHost(("Realtime:AllowAnonymous", "false"));

/// <summary>History kept for 1 s, so a resume point ages out quickly.</summary>
public sealed class ShortHistoryAgeHost() : BeaconHost(("Realtime:HistoryMaxAgeSeconds", "1"));
