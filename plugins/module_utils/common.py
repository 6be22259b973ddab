# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared base for the modules of storytime.video_infra."""

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

STORYTIME_COLLECTION_NAME = "storytime.video_infra"
# Kept in step with galaxy.yml (a unit test checks it).
STORYTIME_COLLECTION_VERSION = "0.1.0"


class StorytimeAWSModule(AnsibleAWSModule):
    """AnsibleAWSModule that names this collection in the AWS User-Agent."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        set_collection_info(
            collection_name=STORYTIME_COLLECTION_NAME,
            collection_version=STORYTIME_COLLECTION_VERSION,
        )
