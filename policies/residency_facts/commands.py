"""Command-line tools that send what they are given to a place their command line names.

Code that runs a shell script (a Kubernetes container's command line or mounted script, an EC2 instance's
user data, a command Systems Manager runs on instances: `pg_dump ... | curl -T - https://...`, `rclone copy
... remote:`, `aws s3 cp - s3://bucket`) sends what it reads where the script's transfer commands say.
`residency_policies/lineage_commands.py`, the pack's one reader of command lines, reads a script's simple
commands with these tables: which tool a command runs, whether that invocation sends (an upload option, a
writing method, a writing subcommand, data substituted into its URL), and which of its arguments is the
destination (and, for backup tools, which repository; for the AWS CLI, which sharing call and the options
that say where; for dump tools and filters, whether what is sent is a store as it is; for kubectl, which
namespace's data it reads). A command that only downloads or installs (`curl -fsSL https://... | sh`,
`aws s3 cp s3://bucket/x /tmp/x`, `yum install https://...`) sends nothing: decision, a download is no
destination.
Options as the tools' manuals give them (curl(1), wget(1), HTTPie's and rclone's documentation, the AWS
CLI's `s3` and `s3api` references, gsutil's and azcopy's, PowerShell's Invoke-WebRequest,
Invoke-RestMethod, Start-BitsTransfer and the AWS Tools for PowerShell's Write-S3Object).
"""

from __future__ import annotations

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"})
"""Shells whose `-c` argument is a script (read as one, recursively)."""
POWERSHELLS = frozenset({"pwsh", "powershell"})
"""PowerShell, whose `-Command` (`-c`) argument is a script (read as one, recursively)."""
WRAPPERS = {
    "exec": 0,
    "sudo": 0,
    "nice": 0,
    "nohup": 0,
    "time": 0,
    "command": 0,
    "stdbuf": 0,
    "env": 0,
    "xargs": 0,
    "busybox": 0,
    "timeout": 1,
    "retry": 0,
}
"""Commands that run the command after them (after their options and this many positional arguments)."""
SHELL_KEYWORDS = frozenset({"do", "then", "else", "elif", "if", "while", "until", "!"})
"""Shell keywords a command may follow on its line (`for n in $NS; do kubectl ...`, `if curl ...; then`)."""
WRAPPER_VALUE_OPTIONS = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "xargs": frozenset({"-I", "-n", "-P", "-d", "-a", "-E", "-L", "-s", "--max-args", "--max-procs"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir"}),
    "runuser": frozenset({"-u", "-g", "-G", "--user", "--group"}),
}
"""The options of a wrapper that take the next word as their value (sudo(8), timeout(1), nice(1), xargs(1),
stdbuf(1), env(1), runuser(1)): `sudo -u postgres curl ...` runs curl, not `postgres`."""
SCRIPT_OPTIONS = {
    "su": ("-c", "--command"),
    "runuser": ("-c", "--command"),
    "flock": ("-c", "--command"),
}
"""Commands other than a shell whose option passes a command line to a shell (su(1), runuser(1), flock(1)):
`su postgres -c 'pg_dump | curl ...'` runs the script, read as one."""
KUBECTL_OBJECT_READS = frozenset({"get", "describe", "edit"})
"""kubectl verbs that print the objects they name (`kubectl get secrets -o yaml`)."""
KUBECTL_DATA_KINDS = frozenset({"secret", "secrets", "configmap", "configmaps", "cm"})
"""The kinds whose objects hold a namespace's data and credentials (a pod listing prints only specs)."""
KUBECTL_POD_READS = frozenset({"exec", "cp", "logs", "attach", "port-forward", "proxy", "debug"})
"""kubectl verbs that read what a pod holds, serves or logs."""
KUBECTL_VALUE_OPTIONS = frozenset(
    {
        "--context",
        "--cluster",
        "--kubeconfig",
        "--user",
        "-l",
        "--selector",
        "-o",
        "--output",
        "-c",
        "--container",
        "-s",
        "--server",
        "--token",
        "--as",
        "--as-group",
        "--field-selector",
        "--template",
        "-f",
        "--filename",
        "--request-timeout",
        "--sort-by",
        "--since",
        "--tail",
        "--chunk-size",
    }
)
"""kubectl options that take the next word as their value (kubectl(1)); `-n` / `--namespace` is read."""
INTERPRETER_SCRIPT_OPTIONS = {
    "python": ("-c",),
    "python3": ("-c",),
    "node": ("-e", "--eval", "-p", "--print"),
    "perl": ("-e", "-E"),
    "ruby": ("-e",),
    "php": ("-r",),
}
"""Interpreters whose option takes the program itself as its value (python(1) `-c`, node's `-e`, perl's
`-e`): with the shells, PowerShell and `SCRIPT_OPTIONS`, where a container's command line holds a script.
A script unknown at preview computed from a resident store fails closed (`lineage_commands`)."""
KUBECTL = frozenset({"kubectl", "oc"})
REMOTE_EXEC = KUBECTL
"""`kubectl exec POD -- COMMAND...`: the command after `--` runs in the pod, and its output reaches the
script's pipeline; read as a command line of the script."""

CURL = frozenset({"curl"})
CURL_SENDING_OPTIONS = frozenset(
    {
        "-T",
        "--upload-file",
        "-d",
        "--data",
        "--data-binary",
        "--data-raw",
        "--data-ascii",
        "--data-urlencode",
        "-F",
        "--form",
        "--form-string",
        "--json",
    }
)
"""curl options that send a body or a file (curl(1)): the URLs of the invocation receive it."""
CURL_SHORT_SENDING = frozenset("TdF")
"""The short letters of those options, also inside a cluster of short options (`-sST file`)."""
METHOD_OPTIONS = frozenset({"-X", "--request", "--method"})
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH"})
"""HTTP methods that send a body (with `-X` / `--request` for curl, `--method` for wget, the first argument
for HTTPie)."""
URL_OPTIONS = frozenset({"--url"})

WGET = frozenset({"wget"})
WGET_SENDING_OPTIONS = frozenset({"--post-data", "--post-file", "--body-data", "--body-file"})
"""GNU wget options that send a body (wget(1)); `--method` with a writing method does too."""

HTTPIE = frozenset({"http", "https", "xh", "xhs"})
"""HTTPie and xh: `http [METHOD] URL [ITEM ...]`; they send stdin, data items or a writing method."""

AWS_CLI = frozenset({"aws"})
AWS_S3_WRITES = frozenset({"cp", "mv", "sync"})
"""`aws s3` subcommands whose last argument is the destination (an `s3://` one is a bucket)."""
AWS_S3API_WRITES = frozenset(
    {"put-object", "copy-object", "upload-part", "upload-part-copy", "create-multipart-upload"}
)
"""`aws s3api` operations that write into the bucket their `--bucket` names."""
AWS_CLI_SERVICES = {"s3api": "s3"}
"""AWS CLI service names that are not the API's (`aws s3api put-bucket-policy` calls `s3:PutBucketPolicy`);
every other CLI service is its API's, and a command is its action in kebab case (`modify-db-snapshot-
attribute` is `ModifyDBSnapshotAttribute`, compared in lower case)."""
AWS_CLI_WHERE_OPTIONS = frozenset(
    {
        "--values-to-add",
        "--region",
        "--source-region",
        "--target-region",
        "--destination-region",
        "--add-replica-regions",
        "--kms-key-id",
        "--target-db-snapshot-identifier",
        "--target-db-cluster-snapshot-identifier",
        "--s3-bucket-name",
        "--s3-bucket",
        "--s3-bucket-owner",
        "--iam-role-arn",
        "--grantee-principal",
        "--retiring-principal",
        "--principals",
        "--resource-arns",
        "--policy",
        "--resource-policy",
        "--replication-configuration",
        "--create-volume-permission",
        "--launch-permission",
        "--user-ids",
        "--group-names",
        "--account-with-restore-access",
        "--destination-backup-vault-arn",
    }
)
"""The options of an AWS CLI call of a sharing action (`mechanisms.SHARING_SDK_ACTIONS`) that say where it
takes the data: the accounts it shares with, the regions and keys it copies into, the bucket it exports to,
the principals it grants, the policy it sets. A value the pack cannot read (a variable nothing defines, a
`file://` document) fails closed; the identifiers of what it acts on are read as code's configuration is."""
AWS_CLI_BUCKET_OPTIONS = frozenset({"--s3-bucket-name", "--s3-bucket"})
"""The options of a sharing call that name the bucket it exports into (`rds start-export-task`, `dynamodb
export-table-to-point-in-time`): judged as an `s3://` destination of the CLI is."""
AWS_CLI_EVERYONE = (
    r"^all$",
    r"Group=all\b",
    r"[\"']Group[\"']\s*:\s*[\"']all[\"']",
    r"[\"'](?:Principal|AWS)[\"']\s*:\s*[\"']\*[\"']",
)
"""A value that shares with every AWS account: `--values-to-add all`, an EC2 permission `Add=[{Group=all}]`
(or its JSON), a policy whose principal is `*`."""

S3CMD = frozenset({"s3cmd"})
S3CMD_WRITES = frozenset({"put", "cp", "mv", "sync"})
"""s3cmd commands whose last argument is the destination (`--region` / `--bucket-location` place it)."""

GOOGLE_STORAGE = frozenset({"gsutil", "gcloud"})
"""gsutil `cp` / `mv` / `rsync` and `gcloud storage cp` / `mv` / `rsync` to a `gs://` URL: Google Cloud
Storage, outside AWS by definition."""
GOOGLE_STORAGE_WRITES = frozenset({"cp", "mv", "rsync"})
AZURE_STORAGE = frozenset({"azcopy", "az"})
"""azcopy `copy` / `sync` and `az storage ... upload`: Azure Storage, outside AWS by definition."""
AZURE_STORAGE_WRITES = frozenset({"copy", "sync", "upload", "upload-batch"})

RCLONE = frozenset({"rclone"})
RCLONE_WRITES = frozenset({"copy", "copyto", "sync", "move", "moveto", "rcat", "bisync", "copyurl"})
"""rclone commands whose last argument is the destination (`rcat remote:path` takes only it)."""
RCLONE_COPIES = frozenset({"copy", "copyto", "sync", "move", "moveto"})
"""rclone commands that copy their source's files as they are into the destination."""
RCLONE_WRAPPING_TYPES = frozenset({"alias", "crypt", "chunker", "compress", "hasher", "cache"})
"""rclone remote types that store in the remote their `remote` option names."""

RESTIC = frozenset({"restic"})
RESTIC_WRITES = frozenset({"backup", "copy"})
"""restic commands that write into the repository `-r` / `--repo` (else `RESTIC_REPOSITORY`) names (`copy`
reads `--from-repo`)."""
BORG = frozenset({"borg", "borgbackup"})
BORG_WRITES = frozenset({"create", "import-tar", "transfer"})
"""borg commands that write an archive into the repository `REPO::ARCHIVE`, `-r` / `--repo` or `BORG_REPO`
names."""
KOPIA = frozenset({"kopia"})
"""kopia writes its snapshots into the repository `kopia repository create|connect PROVIDER` connects."""
DUPLICITY = frozenset({"duplicity"})
"""`duplicity [full|incremental] SOURCE URL`: a backup when its last argument is a URL."""
REPOSITORY_OUTSIDE = {
    "gs": "Google Cloud Storage",
    "gcs": "Google Cloud Storage",
    "b2": "Backblaze B2",
    "azure": "Azure Blob Storage",
    "swift": "OpenStack Swift",
    "cf+http": "Rackspace Cloud Files",
    "dropbox": "Dropbox",
    "onedrive": "Microsoft OneDrive",
    "gdocs": "Google Drive",
    "pydrive": "Google Drive",
    "gdrive": "Google Drive",
    "mega": "MEGA",
    "megav2": "MEGA",
    "megav3": "MEGA",
    "box": "Box",
    "jottacloud": "Jottacloud",
    "pca": "OVH Public Cloud Archive",
    "mf": "MediaFire",
    "hubic": "hubiC",
}
"""Repository backends of restic (`gs:`, `b2:`, `azure:`, `swift:`), kopia's providers (`gcs`, `b2`,
`azure`, `gdrive`) and duplicity's URL schemes (duplicity(1)) that store in another provider's service:
outside AWS by definition. `s3` is judged by its host and region, `sftp`, `rest`, `ssh`, `webdav`, `ftp` by
the host they name, `rclone` by the remote's definition; a local path is no destination."""

GIT = frozenset({"git"})
"""`git push URL`: the remote a repository is pushed to (a remote named by a configured name is not read)."""
GIT_VALUE_OPTIONS = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"})
"""git's global options that take the next word as their value (git(1)), before the subcommand."""

POWERSHELL_WEB = frozenset({"invoke-webrequest", "iwr", "invoke-restmethod", "irm"})
"""PowerShell's web commands (compared in lower case, as PowerShell does): they fetch from their `-Uri`
unless they send a body (`POWERSHELL_BODY_OPTIONS`) or use a writing `-Method`."""
POWERSHELL_BODY_OPTIONS = frozenset({"-infile", "-body", "-form"})
"""PowerShell web options that send a body (a file, an object, a form)."""
BITS_TRANSFER = frozenset({"start-bitstransfer"})
"""`Start-BitsTransfer` fetches unless `-TransferType Upload`: then its `-Destination` is where it sends."""
S3_CMDLETS = frozenset({"write-s3object"})
"""The AWS Tools for PowerShell's `Write-S3Object`: writes into its `-BucketName` (`-Region`,
`-EndpointUrl` place it)."""

PROGRAM_CLAUSES = (
    r"(?i)\b(?:TO|FROM)\s+PROGRAM\s+'((?:[^']|'')*)'",
    r"\\[og]\s*\|([^\n\\]+)",
    r"\\!\s*([^\n\\]+)",
)
"""Where SQL hands a command line to a shell: PostgreSQL's `COPY ... TO PROGRAM 'command'` (server side) and
psql's `\\copy ... TO PROGRAM 'command'` (client side; `FROM PROGRAM` too, a quote doubled inside), psql's
`\\o |command` and `\\g |command` (query output piped into it) and `\\! command` (PostgreSQL's COPY and
psql(1) references). Whatever argument holds the SQL (`psql -c`, a heredoc, a mounted `.sql` file), the
command runs, and is read as a nested command line."""

VERBATIM_DUMPS = frozenset(
    {
        "pg_dump",
        "pg_dumpall",
        "pg_basebackup",
        "mysqldump",
        "mariadb-dump",
        "mysqlpump",
        "mydumper",
        "mongodump",
        "mongoexport",
        "xtrabackup",
        "mariabackup",
        "redis-dump",
        "cqlsh-export",
    }
)
"""Tools that write a database out as it is (decision, reviewer blind-k8s13 k18): what they produce is the
store's data, not a transform of it. psql is one when it runs `COPY ... TO STDOUT` or `\\copy ... TO`
(`COPY_OUT`)."""
DUMP_HOST_OPTIONS = frozenset({"-h", "--host", "--hostname"})
"""Options by which a dump tool (and psql) names the server it reads: `pg_dump -h db`, `mysqldump --host=db`,
`mongodump --host db` (their manuals); `-hdb` is read as `-h db`."""
DUMP_CONNECTION_OPTIONS = frozenset({"-d", "--dbname", "--uri"})
"""Options that take a whole connection string, whose `host=` (a libpq conninfo) or URI host
(`postgresql://user@db/telemetry`, `mongodb://db:27017`) names the server."""
DUMP_HOST_VARIABLES: dict[str, str] = {
    "psql": "PGHOST",
    "pg_dump": "PGHOST",
    "pg_dumpall": "PGHOST",
    "pg_basebackup": "PGHOST",
    "mysqldump": "MYSQL_HOST",
    "mariadb-dump": "MYSQL_HOST",
    "mysqlpump": "MYSQL_HOST",
}
"""The environment variable a tool takes its server from when its command line names none (libpq's `PGHOST`,
the MySQL clients' `MYSQL_HOST`)."""
COPY_OUT = r"(?i)\bcopy\b.*?\bto\s+(?:p?stdout\b|'([^']+)')"
"""SQL that writes a table or a query out as it is: `COPY ... TO STDOUT`, psql's `\\copy ... TO STDOUT` or
`TO PSTDOUT`, or into a file (`TO '/tmp/customers.csv'`, the file then holds the table)."""
ARCHIVERS = frozenset({"tar", "bsdtar", "cpio", "zip", "7z"})
"""Tools that copy the files they are given as they are: what they produce is verbatim when those files are
a volume holding resident data (`tar czf - /data` of a PII claim's mount)."""
PASS_THROUGH = frozenset(
    {
        "gzip",
        "pigz",
        "zstd",
        "xz",
        "bzip2",
        "pbzip2",
        "lz4",
        "brotli",
        "pv",
        "tee",
        "cat",
        "base64",
        "openssl",
        "gpg",
        "age",
        "split",
        "mbuffer",
        "buffer",
        "dd",
    }
)
"""Filters that compress, encrypt, encode, split, buffer or meter a stream without changing what it holds:
a verbatim copy piped through them stays one (and a file they write from it, or compress in place, holds
it). Any other command in the pipe (an anonymiser, `sed`, `jq`) may transform it."""
DUMP_OUTPUT_OPTIONS = frozenset(
    {"-f", "--file", "--result-file", "--archive", "-o", "--out", "--outputdir", "-D", "--pgdata"}
)
"""The options of a dump tool or archiver that name the file or directory it writes (pg_dump `-f`,
mysqldump `--result-file`, mongodump `--archive` / `--out`, pg_basebackup `-D`, tar `-f`)."""

FETCHING_TOOLS = frozenset(
    {
        "yum",
        "dnf",
        "apt",
        "apt-get",
        "zypper",
        "rpm",
        "amazon-linux-extras",
        "snap",
        "pip",
        "pip3",
        "npm",
        "gem",
        "yum-config-manager",
        "dnf-config-manager",
        "add-apt-repository",
        "docker",
        "helm",
        "gpg",
        "rpm-import",
        "msiexec",
        "choco",
        "winget",
        "install-package",
        "install-module",
    }
)
"""Commands that fetch code (packages, repositories, images, keys) from the places they name: a host or URL
they name is where software comes from, not where data goes (`git` but `git push` is one too)."""

TOOL_WORDS = (
    "curl",
    "wget",
    "http",
    "xh",
    "aws",
    "s3cmd",
    "gsutil",
    "gcloud",
    "azcopy",
    "az ",
    "rclone",
    "restic",
    "borg",
    "kopia",
    "duplicity",
    "kubectl",
    "git",
    "invoke-",
    "iwr ",
    "irm ",
    "start-bitstransfer",
    "write-s3object",
)
"""What a text must hold for a transfer command to be in it (`lineage_literals.may_name`)."""

RCLONE_OUTSIDE_TYPES = frozenset(
    {
        "drive",
        "dropbox",
        "onedrive",
        "box",
        "googlecloudstorage",
        "azureblob",
        "azurefiles",
        "b2",
        "mega",
        "pcloud",
        "jottacloud",
        "koofr",
        "yandex",
        "mailru",
        "putio",
        "sharefile",
        "sugarsync",
        "swift",
        "storj",
        "opendrive",
        "hidrive",
        "internetarchive",
        "pikpak",
        "protondrive",
        "zoho",
        "gphotos",
        "filefabric",
        "seafile",
    }
)
"""rclone remote types that store in another provider's service (rclone.org/overview/); `s3` is judged by
its `provider` and endpoint, `sftp`, `ftp`, `webdav` by the host they name."""
