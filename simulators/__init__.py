"""Simulated desk sensors: a people model (ground truth), conforming sensors, a publisher.

Tests and the demo use these instead of hardware. See simulators/README.md.
"""

from hubsense.calendar import (
    NS,
    Interval,
    closure_reason,
    from_ns,
    is_open,
    opening_window,
    swedish_holidays,
    to_ns,
)

from .behaviour import (
    BehaviourParams,
    DeskDay,
    Fault,
    FaultParams,
    GroundTruth,
    HubDay,
    Visit,
    simulate_day,
)
from .publisher import (
    PublishError,
    PublishReport,
    SimClock,
    SimulationReport,
    publish,
    simulate,
)
from .sensors import Message, MessageStream, SensorState, sensor_events

__all__ = [
    "NS",
    "BehaviourParams",
    "DeskDay",
    "Fault",
    "FaultParams",
    "GroundTruth",
    "HubDay",
    "Interval",
    "Message",
    "MessageStream",
    "PublishError",
    "PublishReport",
    "SensorState",
    "SimClock",
    "SimulationReport",
    "Visit",
    "closure_reason",
    "from_ns",
    "is_open",
    "opening_window",
    "publish",
    "sensor_events",
    "simulate",
    "simulate_day",
    "swedish_holidays",
    "to_ns",
]
