"""ButterflyMX records as the simulator keeps them (times: epoch seconds, sandbox clock)."""

from __future__ import annotations

from dataclasses import dataclass, field

NO_PIC = "/assets/no_pic-9bef3f18928279a698143de0b6f96efe17dedee59b8bd0668312d62911d14c82.jpg"
S3_UPLOADS = "https://bmx-rails-staging.s3.amazonaws.com/system/uploads"


@dataclass
class Picture:
    thumb_url: str | None
    medium_url: str | None


@dataclass
class BuildingRecord:
    id: int
    name: str
    building_type: str
    display_name_strategy: str
    door_release_pin: bool
    qr_key_enabled: bool
    nfc_enabled: bool
    send_panel_status_report: bool
    mobile_logo: Picture
    panel_logo: Picture
    address_1: str
    address_2: str
    city: str
    state: str
    zip_code: str
    phone_number: str
    country: str
    time_zone: str
    created_at: float
    updated_at: float
    in_unit_phone_number: str | None = None


@dataclass
class PanelRecord:
    id: int
    name: str
    building_id: int


@dataclass
class UnitRecord:
    id: int
    building_id: int
    label: str
    floor_number: int
    unit_type: str
    created_at: float
    updated_at: float


@dataclass
class UserRecord:
    id: int
    first_name: str
    last_name: str
    email: str
    phone_number: str | None
    sms_phone_number: str | None
    created_at: float
    updated_at: float
    contact_preference: str = "phone_call"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class TenantRecord:
    """A tenancy (`units_users`): one user in one unit, with per-tenancy settings."""

    id: int
    user_id: int
    unit_id: int
    active_at: float
    inactive_at: float | None
    created_at: float
    updated_at: float
    qr_key_enabled: bool = True
    directory_message: str | None = None
    display_name_strategy: str = "building"
    custom_first_name: str | None = None
    custom_last_name: str | None = None
    display_only_on_search: bool = False
    pin: str | None = None
    email_notifications: bool = True
    sms_notifications: bool = True
    do_not_disturb: bool = False


@dataclass
class CallRecord:
    id: int
    guid: str
    call_type: str  # voip | mobile
    notification_type: str  # visitor | delivery
    panel_id: int
    unit_id: int
    building_id: int
    created_at: float
    status: str
    status_changed_at: float
    multiple_devices: bool = False
    thumb_url: str = NO_PIC
    medium_url: str = NO_PIC


@dataclass
class DoorReleaseRecord:
    id: int
    release_method: str
    door_release_type: str
    panel_user_type: str
    call_guid: str | None
    name: str
    unit_id: int
    building_id: int
    user_id: int | None
    created_at: float
    thumb_url: str = NO_PIC
    medium_url: str = NO_PIC


@dataclass
class MessageRecord:
    id: int
    message_type: str  # text | voice
    message: str | None
    voice_url: str | None
    unit_id: int
    created_at: float


@dataclass
class VirtualKeyRecord:
    id: int
    keychain_id: int
    name: str
    qr_code_image_url: str
    email: str | None
    sms_number: str | None
    created_at: float
    used_at: float | None = None


@dataclass
class KeychainRecord:
    id: int
    name: str
    kind: str  # custom | recurring | one_time
    starts_at: float
    ends_at: float
    unit_id: int
    tenant_id: int | None
    created_at: float
    weekdays: list[str] | None = None
    time_from: str | None = None
    time_to: str | None = None
    virtual_key_ids: list[int] = field(default_factory=list)


@dataclass
class IntegrationRecord:
    id: str  # UUID
    scope: str  # "building" | "tenant"
    owner_id: int  # building id or tenant id
    integrator: str
    url: str
    method: str  # get | post
    bindings: list[str]
    created_at: float
    updated_at: float


@dataclass
class AccessPointRecord:
    id: int
    name: str
    kind: str
    building_id: int
    device_ids: list[int]
    created_at: float
    updated_at: float


@dataclass
class DeviceRecord:
    id: int
    name: str
    type: str
    model: str | None
    serial_number: str | None
    building_id: int
    unit_id: int | None  # set for unit smart locks
    access_point_id: int | None  # set for access-point controllers
    created_at: float
    updated_at: float


@dataclass
class DoorReleaseRequestRecord:
    id: int
    tenant_id: int
    access_point_id: int | None
    device_id: int | None
    door_release_id: int
    created_at: float
    requested_by: int = 0  # the user whose access token asked (control API: who opened)
    tenant_user: int = 0  # the user of the tenancy it opened for
