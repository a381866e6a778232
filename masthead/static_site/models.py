from django.db import models


class StaticChange(models.Model):
    """One content change a running ``publish_static`` has to carry into its folder.

    Written once the change has committed (``masthead.changes``); a record
    lost to a failure then is made good by the watcher's periodic full pass.
    ``subject`` names what changed ("post:12", "comments:12",
    "blog:3", "author:5", "topic:7", "site"); the watcher works out which
    pages that touches. Rows are pruned by the watcher after a day.
    """

    subject = models.CharField(max_length=40)
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.subject} at {self.recorded_at:%Y-%m-%d %H:%M:%S}"
