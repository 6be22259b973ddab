"""The local AWS's MediaConvert against the MediaConvert API reference and User Guide.

Every test talks to a real server through boto3. Error codes and HTTP statuses are the ones botocore's
service model (``mediaconvert/2017-08-29/service-2.json``) lists; jobs really transcode a clip that is
generated here with the ffmpeg binary of ``imageio-ffmpeg``.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils.iam_policies import mediaconvert_access_policy
from ansible_collections.storytime.video_infra.plugins.module_utils.iam_policies import mediaconvert_trust_policy
from botocore.exceptions import ClientError

from local_aws import LocalAWS
from tests.local_aws.policies import deny_insecure_transport

imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")

BUCKET = "storytime-media"
CLIP_KEY = "uploads/clip.mp4"
CLIP_SECONDS = 8
MEDIACONVERT_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "mediaconvert.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
FINAL = ("COMPLETE", "ERROR", "CANCELED")

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def ffmpeg(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the imageio-ffmpeg binary."""
    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An 8 s 1280x720 30 fps H.264/AAC test clip (testsrc2 pattern and a 440 Hz sine)."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    result = ffmpeg(
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size=1280x720:rate=30:duration={CLIP_SECONDS}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:sample_rate=48000:duration={CLIP_SECONDS}",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(path),
    )
    assert result.returncode == 0, result.stderr
    return path.read_bytes()


@pytest.fixture
def mc(aws: LocalAWS) -> Any:
    """A MediaConvert client on an emptied local AWS."""
    return aws.client("mediaconvert")


#: What the test role may do in the test bucket: read the inputs (and list, so a missing key is 404, not 403),
#: write the outputs.
BUCKET_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"},
    ],
}


def make_role(aws: LocalAWS, name: str, trust: dict[str, Any], policy: dict[str, Any] | None = None) -> str:
    """Create an IAM role with this trust policy (and this inline permissions policy); its ARN."""
    iam = aws.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="access", PolicyDocument=json.dumps(policy))
    return str(arn)


@pytest.fixture
def role(aws: LocalAWS) -> str:
    """The ARN of an IAM role that MediaConvert may assume, which may read and write the test bucket."""
    return make_role(aws, "MediaConvertRole", MEDIACONVERT_TRUST, BUCKET_ACCESS)


@pytest.fixture
def s3(aws: LocalAWS, clip: bytes) -> Any:
    """An S3 client; the bucket holds the test clip."""
    client = aws.client("s3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.put_object(Bucket=BUCKET, Key=CLIP_KEY, Body=clip)
    return client


@contextmanager
def aws_error(code: str, status: int, message: str | None = None) -> Iterator[None]:
    """Expect a ClientError with this code and HTTP status (and a message matching ``message``)."""
    with pytest.raises(ClientError) as caught:
        yield
    error = caught.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status), error
    if message is not None:
        assert re.search(message, error["Error"]["Message"]), error["Error"]["Message"]


def rendition(modifier: str, width: int, height: int, max_bitrate: int, **h264: Any) -> dict[str, Any]:
    """An HLS output: H.264 QVBR video with 2 s GOPs and AAC stereo audio."""
    return {
        "NameModifier": modifier,
        "ContainerSettings": {"Container": "M3U8", "M3u8Settings": {}},
        "VideoDescription": {
            "Width": width,
            "Height": height,
            "CodecSettings": {
                "Codec": "H_264",
                "H264Settings": {
                    "RateControlMode": "QVBR",
                    "MaxBitrate": max_bitrate,
                    "QvbrSettings": {"QvbrQualityLevel": 7},
                    "GopSize": 2,
                    "GopSizeUnits": "SECONDS",
                    "FramerateControl": "INITIALIZE_FROM_SOURCE",
                    **h264,
                },
            },
        },
        "AudioDescriptions": [
            {
                "AudioSourceName": "Audio Selector 1",
                "CodecSettings": {
                    "Codec": "AAC",
                    "AacSettings": {"Bitrate": 96000, "SampleRate": 48000, "CodingMode": "CODING_MODE_2_0"},
                },
            }
        ],
    }


ABR_LADDER = [
    rendition("_720p", 1280, 720, 5_000_000),
    rendition("_480p", 854, 480, 2_500_000),
    rendition("_360p", 640, 360, 1_000_000),
]


def hls_group(destination: str, outputs: list[dict[str, Any]]) -> dict[str, Any]:
    """An Apple HLS output group with 6 s segments."""
    return {
        "Name": "Apple HLS",
        "OutputGroupSettings": {
            "Type": "HLS_GROUP_SETTINGS",
            "HlsGroupSettings": {
                "Destination": destination,
                "SegmentLength": 6,
                "MinSegmentLength": 0,
                "SegmentControl": "SEGMENTED_FILES",
            },
        },
        "Outputs": outputs,
    }


def job_input(key: str = CLIP_KEY) -> dict[str, Any]:
    """The input of a job: an S3 object with a default audio selector."""
    return {
        "FileInput": f"s3://{BUCKET}/{key}",
        "AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}},
        "VideoSelector": {},
        "TimecodeSource": "ZEROBASED",
    }


def hls_settings(destination: str, outputs: list[dict[str, Any]] | None = None, key: str = CLIP_KEY) -> dict[str, Any]:
    """Job settings: one input, one HLS group."""
    return {"Inputs": [job_input(key)], "OutputGroups": [hls_group(destination, outputs or ABR_LADDER)]}


def wait_for_job(mc: Any, job_id: str, statuses: tuple[str, ...] = FINAL, timeout: float = 50.0) -> dict[str, Any]:
    """Poll GetJob until the job's status is one of ``statuses``."""
    deadline = time.monotonic() + timeout
    while True:
        job = mc.get_job(Id=job_id)["Job"]
        if job["Status"] in statuses:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['Status']}"
        time.sleep(0.05)


def keys_under(s3: Any, prefix: str) -> list[str]:
    """Every key under ``prefix``."""
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []))


def text_of(s3: Any, key: str) -> str:
    """An S3 object as text."""
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()


# --------------------------------------------------------------------------------------------------
# queues
# --------------------------------------------------------------------------------------------------


def test_account_has_the_default_system_queue(mc: Any) -> None:
    queues = mc.list_queues()["Queues"]
    assert [(q["Name"], q["Type"], q["Status"], q["PricingPlan"]) for q in queues] == [
        ("Default", "SYSTEM", "ACTIVE", "ON_DEMAND")
    ]
    assert queues[0]["Arn"] == "arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default"
    assert (queues[0]["SubmittedJobsCount"], queues[0]["ProgressingJobsCount"]) == (0, 0)


def test_queue_lifecycle(mc: Any) -> None:
    created = mc.create_queue(Name="books", Description="audiobook renditions", Tags={"team": "media"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    queue = created["Queue"]
    assert queue["Arn"] == "arn:aws:mediaconvert:eu-west-1:123456789012:queues/books"
    assert (queue["Type"], queue["Status"], queue["PricingPlan"], queue["Description"]) == (
        "CUSTOM",
        "ACTIVE",
        "ON_DEMAND",
        "audiobook renditions",
    )
    assert mc.get_queue(Name="books")["Queue"] == queue

    updated = mc.update_queue(Name="books", Status="PAUSED", Description="paused")["Queue"]
    assert (updated["Status"], updated["Description"], updated["CreatedAt"]) == ("PAUSED", "paused", queue["CreatedAt"])

    mc.create_queue(Name="archive")
    by_name = [q["Name"] for q in mc.list_queues(ListBy="NAME")["Queues"]]
    assert by_name == ["Default", "archive", "books"]
    assert [q["Name"] for q in mc.list_queues(ListBy="NAME", Order="DESCENDING")["Queues"]] == by_name[::-1]
    first = mc.list_queues(ListBy="NAME", MaxResults=2)
    assert [q["Name"] for q in first["Queues"]] == ["Default", "archive"]
    second = mc.list_queues(ListBy="NAME", MaxResults=2, NextToken=first["NextToken"])
    assert [q["Name"] for q in second["Queues"]] == ["books"] and "NextToken" not in second

    assert mc.delete_queue(Name="books")["ResponseMetadata"]["HTTPStatusCode"] == 202
    with aws_error("NotFoundException", 404, r"queueArn=arn:aws:mediaconvert:eu-west-1:123456789012:queues/books"):
        mc.get_queue(Name="books")


def test_queue_errors(mc: Any) -> None:
    mc.create_queue(Name="books")
    with aws_error("ConflictException", 409):
        mc.create_queue(Name="books")
    with aws_error("BadRequestException", 400):
        mc.delete_queue(Name="Default")
    with aws_error("NotFoundException", 404):
        mc.update_queue(Name="missing", Status="PAUSED")
    with aws_error("NotFoundException", 404):
        mc.delete_queue(Name="missing")
    # Server-side validation against the model: botocore does not check enums or maxima.
    with aws_error("BadRequestException", 400, r"^/status: Should be equal to one of the allowed values"):
        mc.create_queue(Name="other", Status="SLEEPING")
    with aws_error("BadRequestException", 400, r"^/maxResults: Should be less than or equal to 20"):
        mc.list_queues(MaxResults=21)


def test_errors_are_restjson_documents_botocore_maps(mc: Any) -> None:
    captured: dict[str, Any] = {}

    def grab(http_response: Any, **_: Any) -> None:
        captured["headers"] = dict(http_response.headers)
        captured["body"] = http_response.content

    mc.meta.events.register("after-call.mediaconvert.GetQueue", grab)
    with pytest.raises(mc.exceptions.NotFoundException):
        mc.get_queue(Name="missing")
    headers = {key.lower(): value for key, value in captured["headers"].items()}
    assert headers["x-amzn-errortype"] == "NotFoundException"
    missing = "arn:aws:mediaconvert:eu-west-1:123456789012:queues/missing"
    assert json.loads(captured["body"]) == {"message": f"The specified queue was not found: queueArn={missing}"}


def test_describe_endpoints_answers_this_server(aws: LocalAWS, mc: Any) -> None:
    assert mc.describe_endpoints()["Endpoints"] == [{"Url": aws.endpoint_url}]


# --------------------------------------------------------------------------------------------------
# job templates
# --------------------------------------------------------------------------------------------------


def test_job_template_lifecycle(mc: Any) -> None:
    mc.create_queue(Name="books")
    settings = {"OutputGroups": [hls_group(f"s3://{BUCKET}/out/index", ABR_LADDER)]}
    created = mc.create_job_template(Name="abr", Settings=settings, Queue="books", Category="hls", Description="ABR")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    template = created["JobTemplate"]
    assert template["Arn"] == "arn:aws:mediaconvert:eu-west-1:123456789012:jobTemplates/abr"
    assert (template["Type"], template["Queue"], template["Category"], template["Priority"]) == (
        "CUSTOM",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/books",
        "hls",
        0,
    )
    assert template["Settings"] == settings
    assert mc.get_job_template(Name="abr")["JobTemplate"] == template

    updated = mc.update_job_template(Name="abr", Description="three renditions", Queue="Default")["JobTemplate"]
    assert (updated["Description"], updated["Queue"], updated["Settings"]) == (
        "three renditions",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default",
        settings,
    )

    mc.create_job_template(Name="aac", Settings=settings, Category="audio")
    assert [t["Name"] for t in mc.list_job_templates()["JobTemplates"]] == ["aac", "abr"]
    assert [t["Name"] for t in mc.list_job_templates(Category="hls")["JobTemplates"]] == ["abr"]
    assert [t["Name"] for t in mc.list_job_templates(Order="DESCENDING")["JobTemplates"]] == ["abr", "aac"]

    with aws_error("ConflictException", 409):
        mc.create_job_template(Name="abr", Settings=settings)
    with aws_error("NotFoundException", 404, r"queueArn=.*queues/nope"):
        mc.create_job_template(Name="other", Settings=settings, Queue="nope")

    assert mc.delete_job_template(Name="abr")["ResponseMetadata"]["HTTPStatusCode"] == 202
    with aws_error("NotFoundException", 404, r"^The specified job template was not found: jobTemplateArn="):
        mc.get_job_template(Name="abr")


def test_job_settings_override_the_template(mc: Any, role: str) -> None:
    mc.create_queue(Name="paused", Status="PAUSED")
    template_settings = {
        "Inputs": [{"AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}}}],
        "OutputGroups": [hls_group(f"s3://{BUCKET}/out/index", ABR_LADDER)],
    }
    mc.create_job_template(Name="abr", Settings=template_settings, Queue="paused")
    job = mc.create_job(Role=role, JobTemplate="abr", Settings={"Inputs": [job_input()]})["Job"]
    assert job["JobTemplate"] == "arn:aws:mediaconvert:eu-west-1:123456789012:jobTemplates/abr"
    assert job["Queue"] == "arn:aws:mediaconvert:eu-west-1:123456789012:queues/paused"
    assert job["Settings"] == {"Inputs": [job_input()], "OutputGroups": template_settings["OutputGroups"]}
    with aws_error("NotFoundException", 404, r"^The specified job template was not found"):
        mc.create_job(Role=role, JobTemplate="missing", Settings={"Inputs": [job_input()]})


# --------------------------------------------------------------------------------------------------
# CreateJob validation
# --------------------------------------------------------------------------------------------------


def test_create_job_needs_a_role_arn_of_the_account(mc: Any) -> None:
    settings = hls_settings(f"s3://{BUCKET}/out/index")
    with aws_error("BadRequestException", 400, r"not a valid IAM role ARN"):
        mc.create_job(Role="MediaConvertRole", Settings=settings)
    with aws_error("BadRequestException", 400, r"must belong to account \[123456789012\]"):
        mc.create_job(Role="arn:aws:iam::210987654321:role/MediaConvertRole", Settings=settings)
    assert mc.list_jobs()["Jobs"] == []


def test_a_missing_role_ends_the_job_in_error_1433(mc: Any, s3: Any) -> None:
    """MediaConvert user guide, "Error codes" (mediaconvert_error_codes.html), 1433: "The role specified in your
    MediaConvert job settings doesn't exist" is a job error: the role is assumed when the job runs."""
    job = mc.create_job(Role="arn:aws:iam::123456789012:role/Missing", Settings=hls_settings(f"s3://{BUCKET}/out/i"))
    done = wait_for_job(mc, job["Job"]["Id"])
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1433)
    assert "role does not exist" in done["ErrorMessage"]
    assert keys_under(s3, "out/") == []


def test_create_job_validates_settings(mc: Any, role: str) -> None:
    no_outputs = hls_settings(f"s3://{BUCKET}/out/index")
    no_outputs["OutputGroups"][0]["Outputs"] = []
    with aws_error("BadRequestException", 400, r"^/outputGroups/0/outputs: Should have at least 1 items$"):
        mc.create_job(Role=role, Settings=no_outputs)
    bad_codec = hls_settings(f"s3://{BUCKET}/out/index", [rendition("_720p", 1280, 720, 5_000_000)])
    bad_codec["OutputGroups"][0]["Outputs"][0]["VideoDescription"]["CodecSettings"]["Codec"] = "H_266"
    with aws_error("BadRequestException", 400, r"^/outputGroups/0/outputs/0/videoDescription/codecSettings/codec: "):
        mc.create_job(Role=role, Settings=bad_codec)
    quality = hls_settings(f"s3://{BUCKET}/out/index", [rendition("_720p", 1280, 720, 5_000_000)])
    h264 = quality["OutputGroups"][0]["Outputs"][0]["VideoDescription"]["CodecSettings"]["H264Settings"]
    h264["QvbrSettings"]["QvbrQualityLevel"] = 11
    with aws_error("BadRequestException", 400, r"qvbrQualityLevel: Should be less than or equal to 10$"):
        mc.create_job(Role=role, Settings=quality)
    same_modifier = hls_settings(f"s3://{BUCKET}/out/index", [ABR_LADDER[0], ABR_LADDER[0]])
    with aws_error("BadRequestException", 400, r"^/outputGroups/0/outputs/1/nameModifier: "):
        mc.create_job(Role=role, Settings=same_modifier)
    with aws_error("NotFoundException", 404, r"queueArn=.*queues/nope"):
        mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/out/index"), Queue="nope")
    no_file = hls_settings(f"s3://{BUCKET}/out/index")
    del no_file["Inputs"][0]["FileInput"]
    with aws_error("BadRequestException", 400, r"^/inputs/0: Should have required property 'fileInput'$"):
        mc.create_job(Role=role, Settings=no_file)
    assert mc.list_jobs()["Jobs"] == []


def test_operations_not_emulated_say_so(mc: Any) -> None:
    with aws_error("NotImplemented", 501, r"CreatePreset"):
        mc.create_preset(Name="p", Settings={})


def test_client_request_token_makes_create_job_idempotent(mc: Any, role: str) -> None:
    mc.create_queue(Name="paused", Status="PAUSED")
    settings = hls_settings(f"s3://{BUCKET}/out/index")
    first = mc.create_job(Role=role, Settings=settings, Queue="paused", ClientRequestToken="token-1")["Job"]
    again = mc.create_job(Role=role, Settings=settings, Queue="paused", ClientRequestToken="token-1")["Job"]
    other = mc.create_job(Role=role, Settings=settings, Queue="paused")["Job"]
    assert first["Id"] == again["Id"] != other["Id"]


# --------------------------------------------------------------------------------------------------
# transcoding
# --------------------------------------------------------------------------------------------------


def test_abr_hls_job_transcodes_three_renditions(mc: Any, s3: Any, role: str, tmp_path: Path) -> None:
    created = mc.create_job(
        Role=role, Settings=hls_settings(f"s3://{BUCKET}/books/b-42/index"), UserMetadata={"bookId": "b-42"}
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    job = created["Job"]
    assert re.fullmatch(r"\d{13}-[a-z0-9]{6}", job["Id"])
    assert job["Arn"] == f"arn:aws:mediaconvert:eu-west-1:123456789012:jobs/{job['Id']}"
    assert (job["Status"], job["Queue"], job["UserMetadata"]) == (
        "SUBMITTED",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default",
        {"bookId": "b-42"},
    )

    done = wait_for_job(mc, job["Id"])
    assert done["Status"] == "COMPLETE", done.get("ErrorMessage")
    assert {"SubmitTime", "StartTime", "FinishTime"} <= set(done["Timing"])
    assert done["OutputGroupDetails"] == [
        {
            "OutputDetails": [
                {"DurationInMs": CLIP_SECONDS * 1000, "VideoDetails": {"WidthInPx": w, "HeightInPx": h}}
                for w, h in ((1280, 720), (854, 480), (640, 360))
            ]
        }
    ]
    assert "ErrorCode" not in done and "JobPercentComplete" not in done

    modifiers = ("_720p", "_480p", "_360p")
    segments = [f"books/b-42/index{m}_{n:05d}.ts" for m in modifiers for n in (1, 2)]  # 8 s = 6 s + 2 s
    assert keys_under(s3, "books/b-42/") == sorted(
        ["books/b-42/index.m3u8", *(f"books/b-42/index{m}.m3u8" for m in modifiers), *segments]
    )

    master = text_of(s3, "books/b-42/index.m3u8")
    variants = re.findall(r"#EXT-X-STREAM-INF:(.*)\n(.*)", master)
    assert [uri for _attributes, uri in variants] == [f"index{m}.m3u8" for m in modifiers]
    for (attributes, _uri), resolution in zip(variants, ("1280x720", "854x480", "640x360"), strict=True):
        assert re.search(r"(^|,)BANDWIDTH=\d+", attributes)
        assert f"RESOLUTION={resolution}" in attributes
        assert re.search(r'CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"', attributes)

    for modifier in modifiers:
        playlist = text_of(s3, f"books/b-42/index{modifier}.m3u8")
        assert re.findall(r"#EXTINF:([\d.]+),\n(.+)", playlist) == [
            ("6", f"index{modifier}_00001.ts"),
            ("2", f"index{modifier}_00002.ts"),
        ]
        assert "#EXT-X-TARGETDURATION:6" in playlist and playlist.rstrip().endswith("#EXT-X-ENDLIST")
    head = s3.head_object(Bucket=BUCKET, Key="books/b-42/index_720p_00001.ts")
    assert head["ContentType"] == "video/MP2T"

    # Keyframes are aligned: every segment of every rendition starts with a key frame.
    for key in segments:
        (tmp_path / Path(key).name).write_bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
        first = ffmpeg("-i", str(tmp_path / Path(key).name), "-vf", "showinfo", "-frames:v", "1", "-f", "null", "-")
        assert re.search(r"iskey:1 type:I", first.stderr), (key, first.stderr[-500:])

    # A player's view: ffmpeg opens the master playlist and finds every rendition at its resolution.
    for key in keys_under(s3, "books/b-42/"):
        (tmp_path / Path(key).name).write_bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    probe = ffmpeg("-i", str(tmp_path / "index.m3u8")).stderr
    assert re.findall(r"Video: h264 .*?, (\d+x\d+)", probe) == ["1280x720", "854x480", "640x360"]
    assert len(re.findall(r"Audio: aac .*48000 Hz, stereo", probe)) == 3


def test_other_implemented_settings(mc: Any, s3: Any, role: str, tmp_path: Path) -> None:
    m3u8 = {"PmtPid": 100, "VideoPid": 200, "AudioPids": [201], "ProgramNumber": 5}
    cbr = rendition("-cbr", 400, 400, 1_000_000, RateControlMode="CBR", Bitrate=600_000, GopSize=4)
    cbr["VideoDescription"]["ScalingBehavior"] = "FIT"  # 16:9 into 400x400 without padding -> 400x224
    cbr["ContainerSettings"]["M3u8Settings"] = m3u8
    cbr["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]["CodingMode"] = "CODING_MODE_1_0"
    cbr["AudioDescriptions"][0].update(LanguageCode="ENG", LanguageCodeControl="USE_CONFIGURED")
    vbr = rendition("-vbr", 320, 180, 500_000, RateControlMode="VBR", Bitrate=300_000, CodecProfile="BASELINE")
    vbr["VideoDescription"]["CodecSettings"]["H264Settings"].update(
        FramerateControl="SPECIFIED",
        FramerateNumerator=24000,
        FramerateDenominator=1001,
        GopSize=48,
        GopSizeUnits="FRAMES",
    )
    settings = hls_settings(f"s3://{BUCKET}/variety/", [cbr, vbr])  # no base name: the input's is used
    settings["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"].update(
        SegmentLength=3, SegmentLengthControl="GOP_MULTIPLE", ManifestDurationFormat="FLOATING_POINT"
    )
    done = wait_for_job(mc, mc.create_job(Role=role, Settings=settings)["Job"]["Id"])
    assert done["Status"] == "COMPLETE", done.get("ErrorMessage")
    details = done["OutputGroupDetails"][0]["OutputDetails"]
    assert [(d["VideoDetails"]["WidthInPx"], d["VideoDetails"]["HeightInPx"]) for d in details] == [
        (400, 224),
        (320, 180),
    ]

    # GOP_MULTIPLE: 3 s segments rounded up to the next GOP boundary (4 s, and 2 x 48 frames at 23.976 fps).
    assert re.findall(r"#EXTINF:([\d.]+),", text_of(s3, "variety/clip-cbr.m3u8")) == ["4.00000", "4.00000"]
    assert re.findall(r"#EXTINF:([\d.]+),", text_of(s3, "variety/clip-vbr.m3u8"))[0] == "4.00400"
    master = text_of(s3, "variety/clip.m3u8")
    assert 'CODECS="avc1.42c00d,mp4a.40.2",RESOLUTION=320x180,FRAME-RATE=23.976' in master  # constrained baseline
    assert "RESOLUTION=400x224" in master

    segment = tmp_path / "segment.ts"
    segment.write_bytes(s3.get_object(Bucket=BUCKET, Key="variety/clip-cbr_00001.ts")["Body"].read())
    probe = ffmpeg("-i", str(segment)).stderr
    assert "Program 5" in probe
    assert re.search(r"Stream #0:0\[0xc8\]: Video: h264 \(Main\)", probe)  # CodecProfile defaults to MAIN
    assert re.search(r"Stream #0:1\[0xc9\]\(eng\): Audio: aac \(LC\).*48000 Hz, mono", probe)


def test_missing_input_ends_in_error(mc: Any, s3: Any, role: str) -> None:
    job = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/out/index", key="uploads/none.mp4"))["Job"]
    done = wait_for_job(mc, job["Id"])
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1404)
    assert f"s3://{BUCKET}/uploads/none.mp4" in done["ErrorMessage"]
    assert keys_under(s3, "out/") == []


def test_unsupported_settings_end_in_error_never_ignored(mc: Any, s3: Any, role: str) -> None:
    captions = rendition("_360p", 640, 360, 1_000_000)
    captions["CaptionDescriptions"] = [{"CaptionSelectorName": "Captions Selector 1"}]
    job = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/out/index", [captions]))["Job"]
    done = wait_for_job(mc, job["Id"])
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1040)
    assert done["ErrorMessage"].startswith("/outputGroups/0/outputs/0/captionDescriptions: not supported")

    hevc = hls_settings(f"s3://{BUCKET}/out/index", [rendition("_360p", 640, 360, 1_000_000)])
    hevc["OutputGroups"][0]["Outputs"][0]["VideoDescription"]["CodecSettings"]["Codec"] = "H_265"
    done = wait_for_job(mc, mc.create_job(Role=role, Settings=hevc)["Job"]["Id"])
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1040)
    assert "/videoDescription/codecSettings/codec: not supported" in done["ErrorMessage"]
    assert "'H_265'" in done["ErrorMessage"]


def test_job_state_changes_reach_sqs_through_an_eventbridge_rule(aws: LocalAWS, mc: Any, s3: Any, role: str) -> None:
    sqs, events = aws.client("sqs"), aws.client("events")
    queue_url = sqs.create_queue(QueueName="transcode-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {
        "source": ["aws.mediaconvert"],
        "detail-type": ["MediaConvert Job State Change"],
        "detail": {"status": ["COMPLETE", "ERROR", "CANCELED"]},
    }
    events.put_rule(Name="mediaconvert-final", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="mediaconvert-final", Targets=[{"Id": "sqs", "Arn": queue_arn}])

    settings = hls_settings(f"s3://{BUCKET}/books/b-7/index", [rendition("_360p", 640, 360, 1_000_000)])
    ok = mc.create_job(Role=role, Settings=settings, UserMetadata={"bookId": "b-7"})["Job"]
    broken = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/x/index", key="uploads/none.mp4"))["Job"]
    for job in (ok, broken):
        wait_for_job(mc, job["Id"])

    received: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + 10
    while len(received) < 2 and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        ):
            event = json.loads(message["Body"])
            received[event["detail"]["jobId"]] = event
    assert set(received) == {ok["Id"], broken["Id"]}  # PROGRESSING was published too, but the rule filters it

    complete = received[ok["Id"]]
    assert_event_envelope(complete, ok["Arn"])
    assert (complete["version"], complete["source"], complete["detail-type"], complete["region"]) == (
        "0",
        "aws.mediaconvert",
        "MediaConvert Job State Change",
        "eu-west-1",
    )
    assert complete["resources"] == [ok["Arn"]]
    detail = complete["detail"]
    assert (detail["status"], detail["accountId"], detail["queue"], detail["userMetadata"]) == (
        "COMPLETE",
        "123456789012",
        "arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default",
        {"bookId": "b-7"},
    )
    assert isinstance(detail["timestamp"], int)
    assert detail["outputGroupDetails"] == [
        {
            "type": "HLS_GROUP",
            "playlistFilePaths": [f"s3://{BUCKET}/books/b-7/index.m3u8"],
            "outputDetails": [
                {
                    "outputFilePaths": [f"s3://{BUCKET}/books/b-7/index_360p.m3u8"],
                    "durationInMs": CLIP_SECONDS * 1000,
                    "videoDetails": {"widthInPx": 640, "heightInPx": 360},
                }
            ],
        }
    ]
    error = received[broken["Id"]]["detail"]
    assert (error["status"], error["errorCode"]) == ("ERROR", 1404)
    assert "uploads/none.mp4" in error["errorMessage"]


# --------------------------------------------------------------------------------------------------
# listing, cancelling, tags, reset
# --------------------------------------------------------------------------------------------------


def test_list_jobs_filters_orders_and_pages(mc: Any, s3: Any, role: str) -> None:
    mc.create_queue(Name="paused", Status="PAUSED")
    waiting = [
        mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/w{i}/index"), Queue="paused")["Job"]["Id"]
        for i in range(3)
    ]
    failed = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/f/index", key="none.mp4"))["Job"]["Id"]
    wait_for_job(mc, failed)

    assert [j["Id"] for j in mc.list_jobs()["Jobs"]] == [failed, *waiting[::-1]]  # newest first
    assert [j["Id"] for j in mc.list_jobs(Order="ASCENDING")["Jobs"]] == [*waiting, failed]
    assert [j["Id"] for j in mc.list_jobs(Queue="paused")["Jobs"]] == waiting[::-1]
    paused_arn = "arn:aws:mediaconvert:eu-west-1:123456789012:queues/paused"
    assert [j["Id"] for j in mc.list_jobs(Queue=paused_arn, Order="ASCENDING")["Jobs"]] == waiting
    assert [j["Id"] for j in mc.list_jobs(Status="ERROR")["Jobs"]] == [failed]
    assert {j["Status"] for j in mc.list_jobs(Status="SUBMITTED")["Jobs"]} == {"SUBMITTED"}
    assert mc.list_jobs(Queue="Default", Status="SUBMITTED")["Jobs"] == []

    page = mc.list_jobs(MaxResults=3)
    rest = mc.list_jobs(MaxResults=3, NextToken=page["NextToken"])
    assert [j["Id"] for j in page["Jobs"] + rest["Jobs"]] == [failed, *waiting[::-1]] and "NextToken" not in rest
    assert mc.get_queue(Name="paused")["Queue"]["SubmittedJobsCount"] == 3
    with aws_error("ConflictException", 409):
        mc.delete_queue(Name="paused")


def test_cancel_job(aws: LocalAWS, mc: Any, s3: Any, role: str) -> None:
    mc.create_queue(Name="paused", Status="PAUSED")
    submitted = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/c1/index"), Queue="paused")["Job"]
    assert mc.cancel_job(Id=submitted["Id"])["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert mc.get_job(Id=submitted["Id"])["Job"]["Status"] == "CANCELED"
    with aws_error("ConflictException", 409):
        mc.cancel_job(Id=submitted["Id"])
    with aws_error("NotFoundException", 404):
        mc.cancel_job(Id="1700000000000-abcdef")
    mc.delete_queue(Name="paused")  # no unprocessed jobs left

    # A PROGRESSING job: ffmpeg is killed and nothing is uploaded.
    slow = [rendition(m, w, h, 5_000_000, QualityTuningLevel="MULTI_PASS_HQ") for m, w, h in [("_a", 1280, 720)]]
    running = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/c2/index", slow))["Job"]
    progressing = wait_for_job(mc, running["Id"], statuses=("PROGRESSING", *FINAL))
    assert progressing["Status"] == "PROGRESSING"
    assert progressing["CurrentPhase"] in ("PROBING", "TRANSCODING", "UPLOADING")
    assert 0 <= progressing["JobPercentComplete"] <= 100
    assert mc.get_queue(Name="Default")["Queue"]["ProgressingJobsCount"] == 1
    mc.cancel_job(Id=running["Id"])
    canceled = mc.get_job(Id=running["Id"])["Job"]
    assert canceled["Status"] == "CANCELED" and "FinishTime" in canceled["Timing"]
    time.sleep(0.5)
    assert mc.get_job(Id=running["Id"])["Job"]["Status"] == "CANCELED"
    assert keys_under(s3, "c2/") == []


def test_paused_queue_holds_jobs_until_resumed(mc: Any, s3: Any, role: str) -> None:
    mc.create_queue(Name="night", Status="PAUSED")
    job = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/n/index", key="none.mp4"), Queue="night")
    time.sleep(0.3)
    assert mc.get_job(Id=job["Job"]["Id"])["Job"]["Status"] == "SUBMITTED"
    mc.update_queue(Name="night", Status="ACTIVE")
    assert wait_for_job(mc, job["Job"]["Id"])["Status"] == "ERROR"


def test_tags(mc: Any, role: str) -> None:
    queue = mc.create_queue(Name="books", Tags={"team": "media"})["Queue"]["Arn"]
    template = mc.create_job_template(Name="abr", Settings={"OutputGroups": []}, Tags={"kind": "abr"})
    template_arn = template["JobTemplate"]["Arn"]
    mc.update_queue(Name="books", Status="PAUSED")
    job = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/t/index"), Queue="books", Tags={"j": "1"})
    job_arn = job["Job"]["Arn"]

    mc.tag_resource(Arn=queue, Tags={"env": "test"})
    assert mc.list_tags_for_resource(Arn=queue)["ResourceTags"] == {
        "Arn": queue,
        "Tags": {"team": "media", "env": "test"},
    }
    mc.untag_resource(Arn=queue, TagKeys=["team"])
    assert mc.list_tags_for_resource(Arn=queue)["ResourceTags"]["Tags"] == {"env": "test"}
    assert mc.list_tags_for_resource(Arn=template_arn)["ResourceTags"]["Tags"] == {"kind": "abr"}
    assert mc.list_tags_for_resource(Arn=job_arn)["ResourceTags"]["Tags"] == {"j": "1"}
    with aws_error("NotFoundException", 404):
        mc.list_tags_for_resource(Arn="arn:aws:mediaconvert:eu-west-1:123456789012:queues/missing")


def test_reset_stops_running_jobs_and_keeps_the_default_queue(aws: LocalAWS, mc: Any, s3: Any, role: str) -> None:
    slow = [rendition("_a", 1280, 720, 5_000_000, QualityTuningLevel="MULTI_PASS_HQ")]
    job = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/r/index", slow))["Job"]
    wait_for_job(mc, job["Id"], statuses=("PROGRESSING", *FINAL))
    mc.create_queue(Name="books")
    started = time.monotonic()
    aws.reset()
    assert time.monotonic() - started < 10
    assert mc.list_jobs()["Jobs"] == []
    assert [q["Name"] for q in mc.list_queues()["Queues"]] == ["Default"]
    with aws_error("NotFoundException", 404):
        mc.get_job(Id=job["Id"])


# --------------------------------------------------------------------------------------------------
# the EventBridge event, status by status
# --------------------------------------------------------------------------------------------------

EVENT_ENVELOPE = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
EVENT_BASIC_DETAIL = {"timestamp", "accountId", "queue", "jobId", "status", "userMetadata"}


def assert_event_envelope(event: dict[str, Any], job_arn: str) -> None:
    """The EventBridge envelope of a MediaConvert job state change, member by member.

    Doc: MediaConvert User Guide, 'List of MediaConvert EventBridge events'
    (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_event_list.html): ``version`` 0, ``id``
    a version 4 UUID, ``detail-type``, ``source``, ``account`` (the 12-digit account that ran the job),
    ``time``, ``region``, ``resources`` (the job ARN), ``detail``; example ``"time": "2018-01-07T23:35:20Z"``.
    """
    assert sorted(event) == sorted(EVENT_ENVELOPE)
    assert (event["version"], event["detail-type"], event["source"]) == (
        "0",
        "MediaConvert Job State Change",
        "aws.mediaconvert",
    )
    assert (event["account"], event["region"], event["resources"]) == ("123456789012", "eu-west-1", [job_arn])
    assert uuid.UUID(event["id"]).version == 4
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert event["detail"]["accountId"] == event["account"]


def collect_events(sqs: Any, queue_url: str, count: int) -> list[dict[str, Any]]:
    """Receive ``count`` events from ``queue_url`` (10 s at most)."""
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while len(events) < count and time.monotonic() < deadline:
        response = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        events += [json.loads(message["Body"]) for message in response.get("Messages", [])]
    return events


def test_every_job_event_has_the_documented_shape(aws: LocalAWS, mc: Any, s3: Any, role: str) -> None:
    """PROGRESSING, COMPLETE, ERROR and CANCELED events: envelope and ``detail`` as documented; no SUBMITTED.

    Docs: MediaConvert User Guide, 'List of MediaConvert EventBridge events'
    (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_event_list.html): "MediaConvert doesn't
    emit SUBMITTED events"; 'Events with PROGRESSING status'
    (https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_progressing.html) and 'Events with CANCELED
    status' (https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_canceled.html): basic job details
    (``timestamp``, ``accountId``, ``queue``, ``jobId``, ``status``, ``userMetadata``); 'Events with COMPLETE
    status' (https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_complete.html): plus
    ``outputGroupDetails``; 'Events with ERROR status'
    (https://docs.aws.amazon.com/mediaconvert/latest/ug/ev_status_error.html): plus ``errorCode`` (a
    number) and ``errorMessage``.
    """
    sqs, events = aws.client("sqs"), aws.client("events")
    queue_url = sqs.create_queue(QueueName="all-job-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="mediaconvert-all", EventPattern=json.dumps({"source": ["aws.mediaconvert"]}))
    events.put_targets(Rule="mediaconvert-all", Targets=[{"Id": "sqs", "Arn": queue_arn}])

    mc.create_queue(Name="held", Status="PAUSED")
    held = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/held/index"), Queue="held")["Job"]
    mc.cancel_job(Id=held["Id"])
    broken = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/x/index", key="uploads/none.mp4"))["Job"]
    wait_for_job(mc, broken["Id"])

    received = collect_events(sqs, queue_url, 3)
    by_status = {(event["detail"]["jobId"], event["detail"]["status"]): event for event in received}
    assert set(by_status) == {(held["Id"], "CANCELED"), (broken["Id"], "PROGRESSING"), (broken["Id"], "ERROR")}
    arns = {held["Id"]: held["Arn"], broken["Id"]: broken["Arn"]}
    for (job_id, status), event in by_status.items():
        assert_event_envelope(event, arns[job_id])
        detail = event["detail"]
        expected = EVENT_BASIC_DETAIL | ({"errorCode", "errorMessage"} if status == "ERROR" else set())
        assert set(detail) == expected, status
        assert isinstance(detail["timestamp"], int) and detail["userMetadata"] == {}
    assert by_status[(held["Id"], "CANCELED")]["detail"]["queue"].endswith(":queues/held")
    error = by_status[(broken["Id"], "ERROR")]["detail"]
    assert isinstance(error["errorCode"], int) and isinstance(error["errorMessage"], str)


def test_disabled_rules_and_input_transformers(aws: LocalAWS, mc: Any, role: str) -> None:
    """A disabled rule delivers nothing; an ``InputTransformer`` sees the documented event (``<account>``).

    Doc: Amazon EventBridge User Guide, 'Amazon EventBridge input transformation'
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html): input paths
    are JSON paths into the event, e.g. ``$.account``; MediaConvert User Guide, 'List of MediaConvert
    EventBridge events' (https://docs.aws.amazon.com/mediaconvert/latest/ug/mediaconvert_event_list.html).
    """
    sqs, events = aws.client("sqs"), aws.client("events")
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("disabled-q", "shaped-q")}
    arns = {
        name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for name, url in urls.items()
    }
    pattern = json.dumps({"source": ["aws.mediaconvert"], "detail": {"status": ["CANCELED"]}})
    events.put_rule(Name="off", EventPattern=pattern, State="DISABLED")
    events.put_targets(Rule="off", Targets=[{"Id": "q", "Arn": arns["disabled-q"]}])
    events.put_rule(Name="shaped", EventPattern=pattern)
    transformer = {
        "InputPathsMap": {"account": "$.account", "job": "$.detail.jobId"},
        "InputTemplate": '{"who": "<account>", "job": "<job>"}',
    }
    events.put_targets(Rule="shaped", Targets=[{"Id": "q", "Arn": arns["shaped-q"], "InputTransformer": transformer}])

    mc.create_queue(Name="held", Status="PAUSED")
    job = mc.create_job(Role=role, Settings=hls_settings(f"s3://{BUCKET}/held/index"), Queue="held")["Job"]
    mc.cancel_job(Id=job["Id"])
    assert collect_events(sqs, urls["shaped-q"], 1) == [{"who": "123456789012", "job": job["Id"]}]
    assert sqs.receive_message(QueueUrl=urls["disabled-q"], WaitTimeSeconds=1).get("Messages", []) == []


# --------------------------------------------------------------------------------------------------
# the job role: MediaConvert holds only what the role grants
# --------------------------------------------------------------------------------------------------

OTHER_ACCOUNT = "210987654321"
SMALL = [rendition("_360p", 640, 360, 1_000_000)]


def trust_with(condition: dict[str, Any] | None = None, principal: Any = None) -> dict[str, Any]:
    """A trust policy: MediaConvert (or ``principal``) may assume the role, under ``condition``."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal or {"Service": "mediaconvert.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def error_events(aws: LocalAWS) -> str:
    """An SQS queue URL that receives the ERROR job state changes (EventBridge rule)."""
    sqs, events = aws.client("sqs"), aws.client("events")
    url = sqs.create_queue(QueueName="mediaconvert-errors")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": ["aws.mediaconvert"], "detail": {"status": ["ERROR"]}}
    events.put_rule(Name="mediaconvert-errors", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="mediaconvert-errors", Targets=[{"Id": "sqs", "Arn": arn}])
    return str(url)


def received_details(aws: LocalAWS, url: str, count: int = 1) -> list[dict[str, Any]]:
    """The ``detail`` of the first ``count`` events the queue receives."""
    sqs = aws.client("sqs")
    details: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while len(details) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            details.append(json.loads(message["Body"])["detail"])
    return details


def run_job(mc: Any, role: str, prefix: str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Submit a job writing under ``s3://BUCKET/<prefix>/`` and wait for its end."""
    settings = hls_settings(f"s3://{BUCKET}/{prefix}/index", outputs or SMALL)
    return wait_for_job(mc, mc.create_job(Role=role, Settings=settings)["Job"]["Id"])


def test_a_role_without_policies_cannot_read_the_input(aws: LocalAWS, mc: Any, s3: Any) -> None:
    """MediaConvert user guide, "Error codes" (mediaconvert_error_codes.html), 1010: MediaConvert can't open the
    input file, "because of IAM permission issues" among other causes; "Setting up IAM permissions"
    (iam-role.html): the role is what lets MediaConvert access the input files."""
    url = error_events(aws)
    bare = make_role(aws, "Bare", MEDIACONVERT_TRUST)
    done = run_job(mc, bare, "bare")
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1010)
    assert done["ErrorMessage"] == (
        f"Unable to open input file [s3://{BUCKET}/{CLIP_KEY}]: [Failed probe/open: [Can't read input stream: "
        "[Failed to read data: Access Denied]]]"
    )
    assert keys_under(s3, "bare/") == []
    (detail,) = received_details(aws, url)
    assert (detail["jobId"], detail["status"], detail["errorCode"]) == (done["Id"], "ERROR", 1010)

    # Without s3:ListBucket, a missing key is 403 for S3, so access denied too (not 1404).
    read_only = {"Version": "2012-10-17", "Statement": [BUCKET_ACCESS["Statement"][0]]}
    reader = make_role(aws, "Reader", MEDIACONVERT_TRUST, read_only)
    settings = hls_settings(f"s3://{BUCKET}/r/index", SMALL, key="uploads/none.mp4")
    missing = wait_for_job(mc, mc.create_job(Role=reader, Settings=settings)["Job"]["Id"])
    assert (missing["Status"], missing["ErrorCode"]) == ("ERROR", 1010)


def test_a_role_that_may_read_but_not_write_writes_nothing(aws: LocalAWS, mc: Any, s3: Any) -> None:
    """MediaConvert user guide, "Error codes" (mediaconvert_error_codes.html), 1401 "Permissions Issue": "Amazon S3
    denied access to a file or bucket. Check the bucket policies on your input and output locations. Also check that
    the job has the right IAM role specified and that the role has the necessary permissions"."""
    url = error_events(aws)
    read_only = {"Version": "2012-10-17", "Statement": BUCKET_ACCESS["Statement"][:2]}
    reader = make_role(aws, "Reader", MEDIACONVERT_TRUST, read_only)
    done = run_job(mc, reader, "ro")
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1401)
    assert re.fullmatch(
        rf"Unable to write to output file \[s3://{BUCKET}/ro/index_360p_00001\.ts\]: "
        r"\[Failed to write data: Access Denied\]",
        done["ErrorMessage"],
    )
    assert keys_under(s3, "ro/") == []
    (detail,) = received_details(aws, url)
    assert (detail["status"], detail["errorCode"]) == ("ERROR", 1401)


def test_a_bucket_policy_deny_applies_to_the_role_session(aws: LocalAWS, mc: Any, s3: Any, role: str) -> None:
    """S3 user guide, "How Amazon S3 authorizes a request": an explicit deny in the bucket policy refuses the
    request whatever the identity policies allow; MediaConvert's requests are the role session's requests."""
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoMediaConvertOutputs",
                "Effect": "Deny",
                "Principal": {"AWS": role},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/denied/*",
            },
            deny_insecure_transport(BUCKET),
        ],
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(deny))
    denied = run_job(mc, role, "denied")
    assert (denied["Status"], denied["ErrorCode"]) == ("ERROR", 1401)
    assert keys_under(s3, "denied/") == []
    # MediaConvert reads and writes over HTTPS: the TLS-only statement does not refuse it.
    assert run_job(mc, role, "allowed")["Status"] == "COMPLETE"


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}},
        {"ArnLike": {"aws:SourceArn": f"arn:aws:mediaconvert:eu-west-1:{OTHER_ACCOUNT}:queues/*"}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:mediaconvert:us-east-1:123456789012:queues/*"}},
    ],
    ids=["source-account", "source-arn-account", "source-arn-region"],
)
def test_a_trust_policy_for_another_source_refuses_mediaconvert(
    aws: LocalAWS, mc: Any, s3: Any, condition: dict[str, Any]
) -> None:
    """MediaConvert user guide, "Cross-service confused deputy prevention": MediaConvert sets aws:SourceAccount and
    aws:SourceArn, "The value of aws:SourceArn must be the ARN of the MediaConvert queue"; "Error codes", 1434:
    the role must have MediaConvert as a trusted entity (a job error, so the job ends in ERROR)."""
    other = make_role(aws, "Other", trust_with(condition), BUCKET_ACCESS)
    done = run_job(mc, other, "other")
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1434)
    assert "trust policy does not allow mediaconvert.amazonaws.com" in done["ErrorMessage"]
    assert keys_under(s3, "other/") == []


def test_a_trust_policy_without_the_service_principal_refuses_mediaconvert(aws: LocalAWS, mc: Any, s3: Any) -> None:
    """MediaConvert user guide, "Error codes" (mediaconvert_error_codes.html), 1434: "Check that the job has the
    right IAM role specified and that the role has MediaConvert as a trusted entity"."""
    for name, principal in (
        ("Ec2", {"Service": "ec2.amazonaws.com"}),
        ("Account", {"AWS": "arn:aws:iam::123456789012:root"}),
    ):
        arn = make_role(aws, name, trust_with(principal=principal), BUCKET_ACCESS)
        done = run_job(mc, arn, name.lower())
        assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1434), name
    denied = trust_with()
    denied["Statement"].append({**denied["Statement"][0], "Effect": "Deny"})
    arn = make_role(aws, "Denied", denied, BUCKET_ACCESS)
    assert run_job(mc, arn, "denied")["ErrorCode"] == 1434


def test_the_collections_policies_let_the_job_complete(aws: LocalAWS, mc: Any, s3: Any) -> None:
    """MediaConvert user guide, "Cross-service confused deputy prevention" (the trust policy's conditions) and
    "Setting up IAM permissions" (the role reads the inputs and writes the outputs): the collection's trust and
    access policies are enough for a job of this account's queue, and no more than that."""

    hls = "storytime-hls"
    s3.create_bucket(Bucket=hls, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    trust = mediaconvert_trust_policy("123456789012", region="eu-west-1")
    access = mediaconvert_access_policy(
        "123456789012", partition="aws", region="eu-west-1", master_bucket=BUCKET, hls_bucket=hls
    )
    arn = make_role(aws, "Collection", trust, access)
    settings = hls_settings(f"s3://{hls}/books/1/index", SMALL)
    done = wait_for_job(mc, mc.create_job(Role=arn, Settings=settings)["Job"]["Id"])
    assert done["Status"] == "COMPLETE", done.get("ErrorMessage")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=hls)["Contents"])
    assert keys == [
        "books/1/index.m3u8",
        "books/1/index_360p.m3u8",
        "books/1/index_360p_00001.ts",
        "books/1/index_360p_00002.ts",
    ]

    # The same role may not write outside the HLS bucket: the master bucket is read-only to it.
    elsewhere = wait_for_job(
        mc, mc.create_job(Role=arn, Settings=hls_settings(f"s3://{BUCKET}/x/index", SMALL))["Job"]["Id"]
    )
    assert (elsewhere["Status"], elsewhere["ErrorCode"]) == ("ERROR", 1401)


# --------------------------------------------------------------------------------------------------
# The collection's ladder: Apple's HLS authoring specification, as MediaConvert writes it
# --------------------------------------------------------------------------------------------------

CAPTIONS_KEY = "uploads/clip.vtt"
CAPTIONS = """WEBVTT

NOTE the sidecar Rails uploads beside the master

intro
00:00.500 --> 00:02.000
Once upon a time

00:05.000 --> 00:07.000 line:85%
a fox found a book
"""


def attributes_of(line: str) -> dict[str, str]:
    """The attributes of an HLS tag line (RFC 8216 4.2: quoted strings keep their commas)."""
    return {k: v.strip('"') for k, v in re.findall(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1])}


def sps_codec(path: Path) -> str:
    """``avc1.PPCCLL`` read from the first sequence parameter set of a segment (RFC 6381 3.3)."""
    raw = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-map", "0:v:0", "-c", "copy",
         "-frames:v", "1", "-f", "h264", "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    index = raw.find(b"\x00\x00\x01\x67")
    return "avc1." + raw[index + 4 : index + 7].hex()


def ladder_job(s3: Any, role: str, prefix: str, captions: bool, max_height: int = 720) -> dict[str, Any]:
    from ansible_collections.storytime.video_infra.plugins.module_utils import hls_ladder  # noqa: PLC0415

    subtitles = {"source": f"s3://{BUCKET}/{CAPTIONS_KEY}", "language": "ENG", "name": "English"}
    settings = hls_ladder.job_settings(
        f"s3://{BUCKET}/{CLIP_KEY}",
        f"s3://{BUCKET}/{prefix}/index",
        subtitles=subtitles if captions else None,
        max_height=max_height,
    )
    return {"Role": role, "Settings": settings}


def test_the_collections_ladder_as_mediaconvert_writes_it(mc: Any, s3: Any, role: str, tmp_path: Path) -> None:
    """MediaConvert API reference: HlsGroupSettings.ManifestDurationFormat (FLOATING_POINT: decimal EXTINF),
    HlsSettings.IFrameOnlyManifest (INCLUDE: "a variant manifest that references I-frames from your output
    content using EXT-X-BYTERANGE tags", added to the multivariant manifest), CaptionSegmentLengthControl
    (MATCH_VIDEO: caption segments aligned with the first video output's), CaptionSourceSettings/FileSourceSettings
    (a sidecar caption file) and a WEBVTT caption destination in an HLS group (user guide, "HLS output with
    WebVTT sidecar captions": a SUBTITLES rendition). RFC 8216: 4.3.4.1.1 EXT-X-MEDIA, 4.3.4.2 EXT-X-STREAM-INF
    (BANDWIDTH the peak segment bit rate, AVERAGE-BANDWIDTH the average, CODECS per RFC 6381), 4.3.4.3
    EXT-X-I-FRAME-STREAM-INF, 4.3.3.6 EXT-X-I-FRAMES-ONLY, 3.5 WebVTT X-TIMESTAMP-MAP."""
    s3.put_object(Bucket=BUCKET, Key=CAPTIONS_KEY, Body=CAPTIONS.encode())
    done = wait_for_job(mc, mc.create_job(**ladder_job(s3, role, "ladder", captions=True))["Job"]["Id"], timeout=120)
    assert done["Status"] == "COMPLETE", done.get("ErrorMessage")
    details = done["OutputGroupDetails"][0]["OutputDetails"]
    assert [d.get("VideoDetails", {}).get("HeightInPx") for d in details] == [480, 720, 360, 234, None]
    for key in keys_under(s3, "ladder/"):
        (tmp_path / Path(key).name).write_bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    modifiers = ("_480p", "_720p", "_360p", "_234p")  # no rendition taller than the 720p master; 480p first

    master = (tmp_path / "index.m3u8").read_text().splitlines()
    assert master[:3] == ["#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-INDEPENDENT-SEGMENTS"]
    (media,) = [attributes_of(line) for line in master if line.startswith("#EXT-X-MEDIA:")]
    assert media == {
        "TYPE": "SUBTITLES", "GROUP-ID": "subs", "LANGUAGE": "eng", "NAME": "English", "DEFAULT": "YES",
        "AUTOSELECT": "YES", "FORCED": "NO", "URI": "index_captions.m3u8",
    }  # fmt: skip
    variants = [
        (attributes_of(line), master[i + 1]) for i, line in enumerate(master) if line.startswith("#EXT-X-STREAM-INF:")
    ]
    assert [uri for _a, uri in variants] == [f"index{m}.m3u8" for m in modifiers]
    for attributes, uri in variants:
        assert attributes["SUBTITLES"] == "subs"
        playlist = (tmp_path / uri).read_text()
        extinf = [(float(d), name) for d, name in re.findall(r"#EXTINF:([\d.]+),\n(.+)", playlist)]
        assert [f"{d:.5f}" for d, _n in extinf] == ["6.00000", "2.00000"]
        assert re.findall(r"#EXTINF:([\d.]+),", playlist) == ["6.00000", "2.00000"]  # five decimals
        sizes = [(tmp_path / name).stat().st_size for _d, name in extinf]
        # RFC 8216 4.3.4.2: the peak over runs of segments lasting 0.5 to 1.5 target durations (6 s here): the
        # 6 s segment alone, or 6 s + 2 s; the 2 s segment alone is too short to count.
        rates = [sizes[0] * 8 / 6, (sizes[0] + sizes[1]) * 8 / 8]
        total = sum((tmp_path / name).stat().st_size for _d, name in extinf) * 8 / sum(d for d, _n in extinf)
        assert int(attributes["BANDWIDTH"]) == math.ceil(max(rates))
        assert int(attributes["AVERAGE-BANDWIDTH"]) == math.ceil(total)
        assert attributes["CODECS"] == sps_codec(tmp_path / extinf[0][1]) + ",mp4a.40.2"
        assert attributes["CODECS"].startswith("avc1.64")  # High profile (Apple's spec, 1.4)

    iframes = [attributes_of(line) for line in master if line.startswith("#EXT-X-I-FRAME-STREAM-INF:")]
    assert [a["URI"] for a in iframes] == [f"index{m}_I-Frame.m3u8" for m in modifiers]
    for attributes, (variant, _uri) in zip(iframes, variants, strict=True):
        assert attributes["RESOLUTION"] == variant["RESOLUTION"]
        assert attributes["CODECS"] == variant["CODECS"].split(",")[0]
        lines = (tmp_path / attributes["URI"]).read_text().splitlines()
        assert lines[:2] == ["#EXTM3U", "#EXT-X-VERSION:4"] and "#EXT-X-I-FRAMES-ONLY" in lines
        entries = re.findall(r"#EXTINF:([\d.]+),\n#EXT-X-BYTERANGE:(\d+)@(\d+)\n(.+)", "\n".join(lines))
        # One IDR frame per 2 s GOP: 0, 2, 4 s in the first segment, 6 s in the second; 8 s in all.
        assert [(float(d), segment) for d, _n, _o, segment in entries] == [
            (2.0, entries[0][3]), (2.0, entries[0][3]), (2.0, entries[0][3]), (2.0, entries[3][3]),
        ]  # fmt: skip
        piece_sizes = []
        for _duration, length, offset, segment in entries:
            piece = (tmp_path / segment).read_bytes()[int(offset) : int(offset) + int(length)]
            piece_sizes.append(len(piece))
            (tmp_path / "piece.ts").write_bytes(piece)
            shown = ffmpeg("-i", str(tmp_path / "piece.ts"), "-map", "0:v", "-vf", "showinfo", "-f", "null", "-")
            assert re.findall(r"iskey:(\d) type:(\w)", shown.stderr) == [("1", "I")], (segment, offset)
        # Every I-frame spans 2 s against a 2 s target duration: each counts alone (RFC 8216 4.3.4.2).
        assert int(attributes["BANDWIDTH"]) == math.ceil(max(size * 8 / 2.0 for size in piece_sizes))

    # The subtitles: segmented like the video, each cue in every segment it overlaps, timed against the PTS.
    captions = (tmp_path / "index_captions.m3u8").read_text()
    assert re.findall(r"#EXTINF:([\d.]+),\n(.+)", captions) == [
        ("6.00000", "index_captions_00001.vtt"), ("2.00000", "index_captions_00002.vtt"),
    ]  # fmt: skip
    first, second = ((tmp_path / f"index_captions_0000{n}.vtt").read_text() for n in (1, 2))
    assert first.startswith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:") and ",LOCAL:00:00:00.000\n" in first
    assert re.findall(r"(\S+ --> \S+.*)\n(.+)", first) == [
        ("00:00:00.500 --> 00:00:02.000", "Once upon a time"),
        ("00:00:05.000 --> 00:00:07.000 line:85%", "a fox found a book"),
    ]
    assert re.findall(r"(\S+ --> \S+.*)\n(.+)", second) == [
        ("00:00:05.000 --> 00:00:07.000 line:85%", "a fox found a book")
    ]
    mpegts = int(re.search(r"MPEGTS:(\d+)", first).group(1))
    pts = ffmpeg("-i", str(tmp_path / "index_480p_00001.ts"), "-map", "0:v", "-vf", "showinfo", "-frames:v", "1",
                 "-copyts", "-f", "null", "-").stderr  # fmt: skip
    assert abs(float(re.search(r"pts_time:([\d.]+)", pts).group(1)) * 90000 - mpegts) < 2
    assert s3.head_object(Bucket=BUCKET, Key="ladder/index_captions_00001.vtt")["ContentType"] == "text/vtt"


def test_a_missing_sidecar_caption_file_fails_the_job(mc: Any, s3: Any, role: str) -> None:
    """User guide, "Error codes": 1404 when an input file (the sidecar is one) does not exist; nothing is
    written. Rails sends the document without captions for a book without a sidecar (docs/hls-ladder.md)."""
    job = mc.create_job(**ladder_job(s3, role, "nocaptions", captions=True, max_height=360))["Job"]
    done = wait_for_job(mc, job["Id"])
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1404)
    assert f"s3://{BUCKET}/{CAPTIONS_KEY}" in done["ErrorMessage"]
    assert keys_under(s3, "nocaptions/") == []


def test_caption_and_iframe_settings_the_emulation_does_not_implement_are_refused(mc: Any, s3: Any, role: str) -> None:
    """Nothing silently ignored: I-frames as TS files (IFrameOnlyManifest INCLUDE_AS_TS) and SCC sources end the
    job with 1040 (user guide, "Error codes": settings error)."""
    request = ladder_job(s3, role, "refused", captions=False, max_height=234)
    output = request["Settings"]["OutputGroups"][0]["Outputs"][0]
    output["OutputSettings"]["HlsSettings"]["IFrameOnlyManifest"] = "INCLUDE_AS_TS"
    done = wait_for_job(mc, mc.create_job(**request)["Job"]["Id"])
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1040)
    assert done["ErrorMessage"].startswith(
        "/outputGroups/0/outputs/0/outputSettings/hlsSettings/iFrameOnlyManifest: not supported"
    )
    request = ladder_job(s3, role, "refused", captions=True, max_height=234)
    selector = request["Settings"]["Inputs"][0]["CaptionSelectors"]["Captions Selector 1"]
    selector["SourceSettings"]["SourceType"] = "SCC"
    done = wait_for_job(mc, mc.create_job(**request)["Job"]["Id"])
    assert (done["Status"], done["ErrorCode"]) == ("ERROR", 1040)
    assert "/captionSelectors/Captions Selector 1/sourceSettings/sourceType: not supported" in done["ErrorMessage"]


def test_probe_reads_the_masters_height(mc: Any, s3: Any) -> None:
    """API reference, "Probe": container, codecs, frame rate and resolution of an input file, which Rails uses to
    pick the job document of the master's height class; NotFoundException for a missing file."""
    (result,) = mc.probe(InputFiles=[{"FileUrl": f"s3://{BUCKET}/{CLIP_KEY}"}])["ProbeResults"]
    container = result["Container"]
    assert container["Format"] == "mp4" and abs(container["Duration"] - CLIP_SECONDS) < 0.1
    video, audio = container["Tracks"]
    assert (video["TrackType"], video["Codec"]) == ("video", "AVC")
    assert (video["VideoProperties"]["Width"], video["VideoProperties"]["Height"]) == (1280, 720)
    assert video["VideoProperties"]["FrameRate"] == {"Numerator": 30, "Denominator": 1}
    assert (audio["TrackType"], audio["Codec"]) == ("audio", "AAC")
    assert result["TrackMappings"] == [{"VideoTrackIndexes": [1], "AudioTrackIndexes": [2]}]
    assert result["Metadata"]["FileSize"] == len(s3.get_object(Bucket=BUCKET, Key=CLIP_KEY)["Body"].read())
    with aws_error("NotFoundException", 404, "uploads/none.mp4"):
        mc.probe(InputFiles=[{"FileUrl": f"s3://{BUCKET}/uploads/none.mp4"}])


def test_probe_needs_mediaconvert_probe_and_reads_as_the_caller(aws: LocalAWS, s3: Any) -> None:
    """Service Authorization Reference, MediaConvert: ``mediaconvert:Probe`` (no resource type: ``*``). Probe opens
    the file with the caller's credentials, so the caller also needs ``s3:GetObject`` on it (a refused read is
    ForbiddenException, 403, one of the errors the model lists for Probe)."""
    iam = aws.client("iam")

    def user(name: str, statements: list[dict[str, Any]]) -> Any:
        iam.create_user(UserName=name)
        document = {"Version": "2012-10-17", "Statement": statements}
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(document))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return aws.client("mediaconvert", aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"])  # fmt: skip

    probe = {"Effect": "Allow", "Action": "mediaconvert:Probe", "Resource": "*"}
    read = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    files = [{"FileUrl": f"s3://{BUCKET}/{CLIP_KEY}"}]
    with aws_error("ForbiddenException", 403, "not authorized to perform: mediaconvert:Probe"):
        user("no-probe", [read]).probe(InputFiles=files)
    with aws_error("ForbiddenException", 403, CLIP_KEY):
        user("no-read", [probe]).probe(InputFiles=files)
    (result,) = user("rails", [probe, read]).probe(InputFiles=files)["ProbeResults"]
    assert result["Container"]["Tracks"][0]["VideoProperties"]["Height"] == 720
