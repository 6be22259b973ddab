"""site.yml's MediaConvert part on the local AWS, and a real transcode from the job template."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import request_problems

pytestmark = pytest.mark.scenario

MASTER = "storytime-master-uploads-local"
HLS = "storytime-hls-outputs-local"
QUEUE = "storytime-local"
TEMPLATE = "storytime-local-hls-abr"
NOTIFICATIONS = "storytime-local-mediaconvert-jobs"
TAGS = {"Project": "storytime", "Environment": "local", "ManagedBy": "ansible"}  # inventories/local


def ffmpeg():
    import imageio_ffmpeg  # noqa: PLC0415

    return imageio_ffmpeg.get_ffmpeg_exe()


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """A 6 s 1280x720 test clip with audio, made at test time."""
    path = tmp_path_factory.mktemp("clip") / "master.mp4"
    subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1280x720:rate=25:duration=6",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=6",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path


def job_request(tmp_path, master_key, book_id, document="local.mediaconvert-job.json"):
    """What Rails does: fill the job document's placeholders (the sidecar's URL: the master's, with .vtt)."""
    text = (tmp_path / "outputs" / document).read_text()
    captions = f"s3://{MASTER}/{master_key.rsplit('.', 1)[0]}.vtt"
    text = text.replace("${MASTER_S3_URL}", f"s3://{MASTER}/{master_key}").replace("${BOOK_ID}", book_id)
    return json.loads(text.replace("${CAPTIONS_S3_URL}", captions))


def chosen_document(tmp_path, master_height, captions=False):
    """What Rails does with the index: the class with the largest min_master_height the master reaches."""
    index = json.loads((tmp_path / "outputs" / "local.mediaconvert-job.index.json").read_text())
    fitting = [d for d in index["documents"] if d["min_master_height"] <= master_height and d["captions"] == captions]
    return max(fitting, key=lambda d: d["min_master_height"])["file"]


def wait_for(mediaconvert, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = mediaconvert.get_job(Id=job_id)["Job"]
        if job["Status"] in ("COMPLETE", "ERROR", "CANCELED"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still {job['Status']}")


def received_statuses(sqs, queue_url, expected, timeout=20):
    deadline = time.monotonic() + timeout
    statuses = []
    while time.monotonic() < deadline and not set(expected) <= set(statuses):
        for message in sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            body = json.loads(message["Body"])
            assert body["source"] == "aws.mediaconvert"
            assert body["detail-type"] == "MediaConvert Job State Change"
            statuses.append(body["detail"]["status"])
    return statuses


def test_converge_creates_queue_template_notifications_and_the_rails_document(converged, aws, tmp_path):
    run = converged
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    mediaconvert = aws.client("mediaconvert")

    queue = mediaconvert.get_queue(Name=QUEUE)["Queue"]
    assert queue["PricingPlan"] == "ON_DEMAND" and queue["Status"] == "ACTIVE"
    template = mediaconvert.get_job_template(Name=TEMPLATE)["JobTemplate"]
    assert template["Queue"].endswith(f"queues/{QUEUE}")
    outputs = template["Settings"]["OutputGroups"][0]["Outputs"]
    assert len(outputs) >= 3

    events = aws.client("events")
    rule = events.describe_rule(Name=NOTIFICATIONS)
    pattern = json.loads(rule["EventPattern"])
    assert pattern["source"] == ["aws.mediaconvert"]
    assert sorted(pattern["detail"]["status"]) == ["CANCELED", "COMPLETE", "ERROR"]
    assert pattern["detail"]["queue"] == [queue["Arn"]]
    (target,) = events.list_targets_by_rule(Rule=NOTIFICATIONS)["Targets"]
    rule_tags = events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]
    assert {tag["Key"]: tag["Value"] for tag in rule_tags} == TAGS
    sqs = aws.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=NOTIFICATIONS)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn", "Policy"])["Attributes"]
    assert target["Arn"] == attributes["QueueArn"]
    (statement,) = json.loads(attributes["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == rule["Arn"]

    request = job_request(tmp_path, "masters/42.mp4", "42")
    assert request["Role"].endswith(":role/storytime-local-mediaconvert")
    assert request["UserMetadata"] == {"book_id": "42", "environment": "local"}
    assert request["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]["Destination"] == (
        f"s3://{HLS}/books/42/index"
    )
    assert request_problems("mediaconvert", "CreateJob", request["Settings"], "Settings") == []

    # One document per height class (docs/hls-ladder.md), none with captions unless mediaconvert_subtitles is on.
    index = json.loads((tmp_path / "outputs" / "local.mediaconvert-job.index.json").read_text())
    assert [(d["class"], d["min_master_height"], d["captions"], d["file"]) for d in index["documents"]] == [
        (name, floor, False, f"local.mediaconvert-job.{name}.json")
        for name, floor in (("1080p", 1080), ("720p", 720), ("480p", 480), ("360p", 360), ("234p", 0))
    ]
    for entry in index["documents"]:
        classed = job_request(tmp_path, "masters/42.mp4", "42", entry["file"])
        heights = [o["VideoDescription"]["Height"] for o in classed["Settings"]["OutputGroups"][0]["Outputs"]]
        assert max(heights) == int(entry["class"].rstrip("p"))
        assert request_problems("mediaconvert", "CreateJob", classed["Settings"], "Settings") == []
    assert job_request(tmp_path, "masters/42.mp4", "42", "local.mediaconvert-job.1080p.json") == request
    assert not list((tmp_path / "outputs").glob("*.captions.json"))

    outputs_json = json.loads((tmp_path / "outputs" / "local.json").read_text())
    assert outputs_json["mediaconvert_queue_arn"] == queue["Arn"]
    assert outputs_json["mediaconvert_job_documents_index"] == "local.mediaconvert-job.index.json"
    assert outputs_json["mediaconvert_job_state_notifications_arn"] == attributes["QueueArn"]
    # That a second run and a check run of the whole site change nothing: test_site_storage.py.


def test_a_foreign_target_and_lost_tags_of_the_rule_are_reported_then_repaired(converged, playbook, aws):
    # The collection owns the rule's targets and tags: an added target and a removed tag are drift.
    events = aws.client("events")
    rule_arn = events.describe_rule(Name=NOTIFICATIONS)["Arn"]
    foreign = "arn:aws:sqs:eu-west-1:123456789012:someone-elses-queue"
    events.put_targets(Rule=NOTIFICATIONS, Targets=[{"Id": "added-by-hand", "Arn": foreign}])
    events.untag_resource(ResourceARN=rule_arn, TagKeys=["ManagedBy"])

    preview = playbook.run(check=True, diff=True, tags="notifications")
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []
    (planned,) = preview.task_results("EventBridge rule for this queue's finished jobs")
    assert planned["changed"] is True
    assert [t["id"] for t in planned["diff"]["before"]["targets"]] == ["added-by-hand", "sqs"]
    assert [t["id"] for t in planned["diff"]["after"]["targets"]] == ["sqs"]
    assert planned["diff"]["after"]["tags"] == TAGS

    repaired = playbook.run(tags="notifications")
    assert repaired.rc == 0, repaired.failure_messages()
    assert sorted(repaired.writes) == ["RemoveTargets", "TagResource"]
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=NOTIFICATIONS)["Targets"]] == ["sqs"]
    tags = events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"]
    assert {tag["Key"]: tag["Value"] for tag in tags} == TAGS


@pytest.mark.e2e
def test_a_job_from_the_rails_document_transcodes_and_notifies(converged, aws, tmp_path, clip):
    """Rails reads the master's height with Probe (MediaConvert API reference, "Probe") and sends the document of
    its height class: a 720p master gets no 1080p rendition, and the 480p rendition is the first variant."""
    s3, mediaconvert, sqs = aws.client("s3"), aws.client("mediaconvert"), aws.client("sqs")
    s3.upload_file(str(clip), MASTER, "masters/7.mp4")
    (probed,) = mediaconvert.probe(InputFiles=[{"FileUrl": f"s3://{MASTER}/masters/7.mp4"}])["ProbeResults"]
    height = probed["Container"]["Tracks"][0]["VideoProperties"]["Height"]
    assert height == 720
    document = chosen_document(tmp_path, height)
    assert document == "local.mediaconvert-job.720p.json"
    request = job_request(tmp_path, "masters/7.mp4", "7", document)

    job = wait_for(mediaconvert, mediaconvert.create_job(**request)["Job"]["Id"])
    assert job["Status"] == "COMPLETE", job.get("ErrorMessage")
    assert job["UserMetadata"]["book_id"] == "7"

    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=HLS, Prefix="books/7/")["Contents"]}
    assert "books/7/index.m3u8" in keys
    renditions = [o["NameModifier"] for o in request["Settings"]["OutputGroups"][0]["Outputs"]]
    for name in renditions:
        assert f"books/7/index{name}.m3u8" in keys
        assert any(k.startswith(f"books/7/index{name}_") and k.endswith(".ts") for k in keys)

    local = tmp_path / "hls"
    local.mkdir()
    for key in keys:
        s3.download_file(HLS, key, str(local / key.rsplit("/", 1)[-1]))
    # ffmpeg -i with no output exits 1 after printing the streams it found; the stream list is what counts.
    probe = subprocess.run(
        [ffmpeg(), "-hide_banner", "-i", str(local / "index.m3u8")], check=False, capture_output=True, text=True
    )
    for output in request["Settings"]["OutputGroups"][0]["Outputs"]:
        size = f"{output['VideoDescription']['Width']}x{output['VideoDescription']['Height']}"
        assert size in probe.stderr, probe.stderr[-2000:]
    master = (local / "index.m3u8").read_text()
    variants = [line for line in master.splitlines() if line.startswith("#EXT-X-STREAM-INF:")]
    assert [v.split("RESOLUTION=")[1].split(",")[0] for v in variants] == ["854x480", "1280x720", "640x360", "416x234"]
    assert master.count("#EXT-X-I-FRAME-STREAM-INF:") == 4 and "1920x1080" not in master
    assert "#EXTINF:6.00000," in (local / "index_720p.m3u8").read_text()

    queue_url = sqs.get_queue_url(QueueName=NOTIFICATIONS)["QueueUrl"]
    assert "COMPLETE" in received_statuses(sqs, queue_url, ["COMPLETE"])


@pytest.mark.e2e
def test_a_job_with_a_missing_input_ends_in_error_and_notifies(converged, aws, tmp_path):
    mediaconvert, sqs = aws.client("mediaconvert"), aws.client("sqs")
    request = job_request(tmp_path, "masters/does-not-exist.mp4", "404")

    job = wait_for(mediaconvert, mediaconvert.create_job(**request)["Job"]["Id"])
    assert job["Status"] == "ERROR"
    assert job["ErrorMessage"]

    queue_url = sqs.get_queue_url(QueueName=NOTIFICATIONS)["QueueUrl"]
    assert "ERROR" in received_statuses(sqs, queue_url, ["ERROR"])


@pytest.mark.e2e
def test_sns_subscriptions_of_the_consumers_survive_a_run(playbook, aws):
    """The notification topic's subscriptions are the consumers' (Rails subscribes): site.yml leaves them alone."""
    inventory = playbook.inventory("local", {"mediaconvert_notifications": "sns"})
    assert playbook.run(inventory=inventory).rc == 0
    sns, sqs = aws.client("sns"), aws.client("sqs")
    (topic,) = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{NOTIFICATIONS}")]
    queue_url = sqs.create_queue(QueueName="rails-consumer")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)

    again = playbook.run(inventory=inventory)
    assert again.rc == 0, again.failure_messages()
    assert "Unsubscribe" not in again.writes
    assert again.stats()["changed"] == 0
    endpoints = [s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
    assert endpoints == [queue_arn]


@pytest.mark.e2e
def test_subtitles_are_opt_in_and_a_book_with_a_sidecar_gets_a_subtitles_rendition(playbook, aws, tmp_path, clip):
    """mediaconvert_subtitles: a second document per height class, with a WebVTT caption output fed by the
    sidecar file (MediaConvert API reference: CaptionSelector FileSourceSettings, WEBVTT destination); the
    multivariant playlist lists it as EXT-X-MEDIA TYPE=SUBTITLES (RFC 8216 4.3.4.1)."""
    inventory = playbook.inventory(
        "local", {"mediaconvert_subtitles": True, "mediaconvert_subtitles_language": "SPA",
                  "mediaconvert_subtitles_name": "Español"}
    )  # fmt: skip
    run = playbook.run(inventory=inventory)
    assert run.rc == 0, run.failure_messages()
    index = json.loads((tmp_path / "outputs" / "local.mediaconvert-job.index.json").read_text())
    assert [d["captions"] for d in index["documents"]] == [False, True] * 5
    document = chosen_document(tmp_path, 720, captions=True)
    assert document == "local.mediaconvert-job.720p.captions.json"

    s3, mediaconvert = aws.client("s3"), aws.client("mediaconvert")
    s3.upload_file(str(clip), MASTER, "masters/8.mp4")
    s3.put_object(Bucket=MASTER, Key="masters/8.vtt", Body=b"WEBVTT\n\n00:01.000 --> 00:03.000\nHola\n")
    request = job_request(tmp_path, "masters/8.mp4", "8", document)
    job = wait_for(mediaconvert, mediaconvert.create_job(**request)["Job"]["Id"])
    assert job["Status"] == "COMPLETE", job.get("ErrorMessage")
    master = s3.get_object(Bucket=HLS, Key="books/8/index.m3u8")["Body"].read().decode()
    assert (
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="spa",NAME="Español",DEFAULT=YES,AUTOSELECT=YES,'
        'FORCED=NO,URI="index_captions.m3u8"'
    ) in master
    assert all('SUBTITLES="subs"' in line for line in master.splitlines() if line.startswith("#EXT-X-STREAM-INF"))
    segment = s3.get_object(Bucket=HLS, Key="books/8/index_captions_00001.vtt")["Body"].read().decode()
    assert "00:00:01.000 --> 00:00:03.000\nHola" in segment

    # A book without a sidecar: the captions document fails (1404), which is why Rails sends the other one.
    request = job_request(tmp_path, "masters/7.mp4", "9", document)
    s3.upload_file(str(clip), MASTER, "masters/7.mp4")
    job = wait_for(mediaconvert, mediaconvert.create_job(**request)["Job"]["Id"])
    assert (job["Status"], job["ErrorCode"]) == ("ERROR", 1404)
