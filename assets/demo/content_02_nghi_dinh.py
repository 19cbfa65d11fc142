"""Nội dung tài liệu mẫu số 2 (mục 2 chương trình phiên họp mẫu).

Dự thảo nghị định mẫu do dự án eCabinet tự soạn để trình diễn; không phải văn
bản quy phạm pháp luật, không phải dự thảo của bất kỳ cơ quan nào.
"""

from datetime import datetime, timezone

SPEC = dict(
    file="02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf",
    title="Dự thảo Nghị định quy định về giao dịch điện tử trong hoạt động của cơ quan nhà nước",
    agenda_position=2,
    subject="Tài liệu mẫu phiên họp eCabinet - mục 2 (dự thảo mẫu, không có giá trị pháp lý)",
    keywords="dự thảo, nghị định, giao dịch điện tử, văn bản điện tử, chữ ký số, "
    "xác thực điện tử, dữ liệu, an toàn thông tin, họp không giấy tờ, tài liệu mẫu",
    created=datetime(2026, 11, 27, 8, 0, 0, tzinfo=timezone.utc),
    mark="DỰ THẢO — tài liệu mẫu",
    info={"footer_left": "Dự thảo Nghị định về giao dịch điện tử (tài liệu mẫu)"},
)

PREAMBLE = r"""
! Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;
! Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;
! Căn cứ Luật An toàn thông tin mạng ngày 19 tháng 11 năm 2015;
! Căn cứ Luật Dữ liệu ngày 30 tháng 11 năm 2024;
! Căn cứ Luật Lưu trữ ngày 21 tháng 6 năm 2024;
! Theo đề nghị của Bộ trưởng Bộ Khoa học và Công nghệ;
! Chính phủ ban hành Nghị định quy định về giao dịch điện tử trong hoạt động của cơ quan nhà nước.
"""

BODY = r"""
#C Chương I|QUY ĐỊNH CHUNG
## Điều 1. Phạm vi điều chỉnh
1. Nghị định này quy định chi tiết việc thực hiện giao dịch điện tử trong hoạt động nội bộ của cơ quan nhà nước, giữa các cơ quan nhà nước với nhau và giữa cơ quan nhà nước với cơ quan, tổ chức, cá nhân có liên quan, bao gồm: tạo lập, gửi, nhận, xử lý, lưu trữ văn bản điện tử; sử dụng chữ ký số và xác thực điện tử; kết nối, chia sẻ dữ liệu; tổ chức phiên họp và xử lý công việc trên môi trường điện tử; bảo đảm an toàn thông tin trong giao dịch điện tử.
2. Nghị định này không điều chỉnh việc xử lý văn bản, tài liệu có nội dung thuộc bí mật nhà nước. Việc xử lý văn bản, tài liệu thuộc bí mật nhà nước trên môi trường điện tử thực hiện theo quy định của pháp luật về bảo vệ bí mật nhà nước.
## Điều 2. Đối tượng áp dụng
1. Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ; Uỷ ban nhân dân các cấp và các cơ quan chuyên môn thuộc Uỷ ban nhân dân các cấp.
2. Đơn vị sự nghiệp công lập khi thực hiện nhiệm vụ quản lý nhà nước được giao hoặc cung cấp dịch vụ sự nghiệp công.
3. Cán bộ, công chức, viên chức, người lao động làm việc trong các cơ quan, đơn vị quy định tại khoản 1 và khoản 2 Điều này.
4. Cơ quan, tổ chức, cá nhân có giao dịch điện tử với cơ quan nhà nước.
5. Khuyến khích các cơ quan của Đảng, Mặt trận Tổ quốc Việt Nam, tổ chức chính trị - xã hội áp dụng các quy định của Nghị định này.
## Điều 3. Giải thích từ ngữ
Trong Nghị định này, các từ ngữ dưới đây được hiểu như sau:
1. *Giao dịch điện tử trong hoạt động của cơ quan nhà nước* là giao dịch được thực hiện bằng phương tiện điện tử trong quá trình cơ quan nhà nước thực hiện chức năng, nhiệm vụ, quyền hạn của mình.
2. *Văn bản điện tử* là văn bản dưới dạng thông điệp dữ liệu được tạo lập hoặc được số hoá từ văn bản giấy, có định dạng và cấu trúc theo quy định, được ký bằng chữ ký số của người có thẩm quyền và của cơ quan, tổ chức.
3. *Hồ sơ điện tử* là tập hợp các văn bản điện tử có liên quan với nhau về một vấn đề, một sự việc hoặc có đặc điểm chung, hình thành trong quá trình theo dõi, giải quyết công việc thuộc phạm vi chức năng, nhiệm vụ của cơ quan, tổ chức, cá nhân.
4. *Chữ ký số chuyên dùng công vụ* là chữ ký số được tạo lập bằng chứng thư chữ ký số do tổ chức cung cấp dịch vụ chứng thực chữ ký số chuyên dùng công vụ cấp cho cơ quan, tổ chức, cá nhân để thực hiện nhiệm vụ công.
5. *Hệ thống quản lý văn bản và điều hành* là hệ thống thông tin được sử dụng để quản lý, xử lý văn bản điện tử, hồ sơ công việc và điều hành công việc trên môi trường mạng trong cơ quan nhà nước.
6. *Phiên họp không giấy tờ* là phiên họp, hội nghị trong đó tài liệu được phát hành, phân phối, khai thác và lưu trữ dưới dạng điện tử thông qua hệ thống thông tin phục vụ họp, thay thế cho tài liệu giấy.
7. *Nền tảng tích hợp, chia sẻ dữ liệu* là hệ thống thông tin có chức năng kết nối, điều phối, tích hợp và chia sẻ dữ liệu giữa các hệ thống thông tin, cơ sở dữ liệu của cơ quan nhà nước.
8. *Xác thực điện tử* là hoạt động xác nhận danh tính điện tử của chủ thể tham gia giao dịch điện tử thông qua tài khoản định danh điện tử hoặc các phương thức xác thực khác theo quy định của pháp luật.
9. *Siêu dữ liệu* là thông tin mô tả đặc tính của văn bản điện tử, hồ sơ điện tử như nguồn gốc, nội dung, bối cảnh, cấu trúc, định dạng và quá trình xử lý, được sử dụng để quản lý, tìm kiếm và bảo đảm tính xác thực, toàn vẹn của văn bản, hồ sơ.
10. *Nhật ký hệ thống* là tập hợp các bản ghi được hệ thống thông tin tạo ra một cách tự động, phản ánh các thao tác của người dùng và của hệ thống, có gắn dấu thời gian, phục vụ việc kiểm tra, truy vết.
## Điều 4. Nguyên tắc thực hiện giao dịch điện tử
1. Giao dịch điện tử là phương thức mặc định trong hoạt động của cơ quan nhà nước, trừ trường hợp pháp luật có quy định khác hoặc trường hợp bất khả kháng làm gián đoạn hệ thống thông tin.
2. Bảo đảm công khai, minh bạch, thuận tiện; không yêu cầu cơ quan, tổ chức, cá nhân cung cấp lại thông tin, dữ liệu đã có trong cơ sở dữ liệu quốc gia, cơ sở dữ liệu chuyên ngành đã được kết nối, chia sẻ.
3. Bảo đảm tính xác thực, toàn vẹn, sẵn sàng và bí mật của thông tin; bảo đảm an toàn thông tin và bảo vệ dữ liệu cá nhân trong suốt quá trình tạo lập, xử lý, lưu trữ.
4. Bảo đảm khả năng kết nối, liên thông giữa các hệ thống thông tin trên cơ sở tuân thủ Khung kiến trúc Chính phủ số, quy chuẩn kỹ thuật và tiêu chuẩn kỹ thuật được công bố áp dụng.
5. Người đứng đầu cơ quan nhà nước chịu trách nhiệm về việc tổ chức thực hiện giao dịch điện tử trong phạm vi quản lý của mình.
## Điều 5. Các hành vi bị nghiêm cấm
1. Giả mạo, làm sai lệch, xoá, huỷ hoặc thay đổi trái phép văn bản điện tử, hồ sơ điện tử, dữ liệu và nhật ký hệ thống.
2. Sử dụng trái phép thiết bị, khoá bí mật, tài khoản của người khác để ký số, xác thực hoặc truy cập hệ thống thông tin.
3. Cản trở hoặc ngăn chặn trái phép quá trình truyền, gửi, nhận văn bản điện tử; tấn công, xâm nhập trái phép hệ thống thông tin phục vụ giao dịch điện tử.
4. Thu thập, sử dụng, chia sẻ dữ liệu trái với mục đích, phạm vi đã được xác định hoặc trái với quy định của pháp luật về bảo vệ dữ liệu cá nhân.
5. Từ chối tiếp nhận, giải quyết hồ sơ điện tử hợp lệ hoặc yêu cầu nộp thêm bản giấy trái với quy định của Nghị định này.
#C Chương II|VĂN BẢN ĐIỆN TỬ VÀ HỒ SƠ ĐIỆN TỬ
## Điều 6. Giá trị pháp lý của văn bản điện tử
1. Văn bản điện tử được ký số bởi người có thẩm quyền và cơ quan, tổ chức theo quy định của Nghị định này có giá trị pháp lý như văn bản giấy.
2. Văn bản điện tử được chuyển đổi từ văn bản giấy theo quy định tại Điều 8 Nghị định này có giá trị như bản sao được chứng thực từ bản chính.
3. Cơ quan nhà nước không được từ chối giá trị pháp lý của văn bản điện tử chỉ vì văn bản đó được thể hiện dưới dạng thông điệp dữ liệu.
## Điều 7. Tạo lập, gửi, nhận văn bản điện tử
1. Văn bản điện tử được tạo lập trên Hệ thống quản lý văn bản và điều hành hoặc hệ thống thông tin chuyên ngành của cơ quan; định dạng văn bản là định dạng Portable Document Format (.pdf) phiên bản 1.4 trở lên hoặc định dạng khác theo quy chuẩn kỹ thuật do Bộ Khoa học và Công nghệ ban hành.
2. Văn bản điện tử được gửi, nhận thông qua Trục liên thông văn bản quốc gia hoặc các trục liên thông văn bản cấp bộ, cấp tỉnh được kết nối với Trục liên thông văn bản quốc gia. Thời điểm gửi, nhận văn bản điện tử là thời điểm được ghi nhận trên hệ thống.
3. Văn bản điện tử phải được gửi đến nơi nhận trong ngày được ký số, chậm nhất là trong ngày làm việc tiếp theo. Văn bản khẩn phải được gửi ngay sau khi ký số.
4. Cơ quan nhận văn bản có trách nhiệm kiểm tra tính xác thực, toàn vẹn của văn bản điện tử và chữ ký số trên văn bản; trường hợp phát hiện sai sót thì thông báo ngay cho cơ quan gửi để xử lý.
5. Trường hợp văn bản có kèm theo tài liệu không thể chuyển đổi sang dạng điện tử, cơ quan gửi ghi rõ việc gửi kèm bản giấy trên văn bản điện tử.
## Điều 8. Chuyển đổi văn bản giấy sang văn bản điện tử và ngược lại
1. Việc chuyển đổi văn bản giấy sang văn bản điện tử được thực hiện bằng cách số hoá toàn bộ nội dung văn bản, bảo đảm đầy đủ, chính xác, rõ ràng; văn bản điện tử sau chuyển đổi phải được ký số bởi cơ quan, tổ chức hoặc người thực hiện chuyển đổi và có ký hiệu riêng xác nhận đã được chuyển đổi.
2. Việc chuyển đổi văn bản điện tử sang văn bản giấy được thực hiện bằng cách in văn bản; văn bản giấy sau chuyển đổi phải thể hiện thông tin về chữ ký số, thời gian ký số và có chữ ký, họ tên của người thực hiện chuyển đổi, dấu của cơ quan, tổ chức thực hiện chuyển đổi.
3. Văn bản giấy và văn bản điện tử có nội dung giống nhau được chuyển đổi theo quy định tại Điều này có giá trị pháp lý tương đương.
## Điều 9. Quản lý, lưu trữ văn bản điện tử và hồ sơ điện tử
1. Văn bản điện tử, hồ sơ điện tử phải được quản lý, lưu trữ trên hệ thống thông tin bảo đảm khả năng truy cập, tìm kiếm, trích xuất và chứng minh tính xác thực, toàn vẹn trong suốt thời hạn bảo quản.
2. Siêu dữ liệu của văn bản điện tử, hồ sơ điện tử được tạo lập, cập nhật đồng thời với quá trình xử lý và được lưu trữ cùng với văn bản, hồ sơ.
3. Thời hạn bảo quản văn bản điện tử, hồ sơ điện tử thực hiện theo quy định của pháp luật về lưu trữ. Hồ sơ điện tử có giá trị bảo quản vĩnh viễn được nộp lưu vào Lưu trữ lịch sử theo định dạng và chuẩn dữ liệu do cơ quan có thẩm quyền quy định.
4. Cơ quan nhà nước có trách nhiệm sao lưu dữ liệu định kỳ, tối thiểu một lần trong tuần đối với dữ liệu văn bản, hồ sơ điện tử; bản sao lưu được bảo quản ở vị trí địa lý khác với hệ thống chính.
#C Chương III|CHỮ KÝ SỐ VÀ XÁC THỰC ĐIỆN TỬ
## Điều 10. Sử dụng chữ ký số trong cơ quan nhà nước
1. Văn bản điện tử do cơ quan nhà nước ban hành phải được ký số bằng chữ ký số của người có thẩm quyền ký văn bản và chữ ký số của cơ quan, tổ chức ban hành văn bản.
2. Hình ảnh, thông tin chữ ký số của người có thẩm quyền trên văn bản điện tử được thể hiện tại vị trí ký trên văn bản giấy tương ứng; hình ảnh chữ ký số của cơ quan, tổ chức được thể hiện tại vị trí đóng dấu.
3. Người được cấp chứng thư chữ ký số có trách nhiệm quản lý thiết bị lưu khoá bí mật, không để lộ mã kích hoạt; thông báo ngay cho tổ chức cung cấp dịch vụ khi phát hiện khoá bí mật bị lộ, bị mất hoặc có dấu hiệu bị sử dụng trái phép.
4. Khuyến khích sử dụng chữ ký số từ xa trên thiết bị di động đối với các văn bản được xử lý ngoài trụ sở làm việc, bảo đảm yêu cầu về an toàn thông tin theo quy định.
## Điều 11. Chữ ký số chuyên dùng công vụ
1. Chữ ký số chuyên dùng công vụ được cấp cho cơ quan, tổ chức và cho cán bộ, công chức, viên chức có thẩm quyền ký văn bản hoặc được giao nhiệm vụ xử lý văn bản điện tử.
2. Cơ quan quản lý trực tiếp có trách nhiệm đề nghị cấp mới, gia hạn, thay đổi thông tin, thu hồi chứng thư chữ ký số khi có thay đổi về tổ chức bộ máy, nhân sự hoặc khi người được cấp nghỉ hưu, thôi việc, chuyển công tác.
3. Việc kiểm tra hiệu lực của chứng thư chữ ký số được thực hiện trực tuyến thông qua dịch vụ kiểm tra trạng thái chứng thư tại thời điểm ký và thời điểm tiếp nhận văn bản.
## Điều 12. Xác thực điện tử và định danh người dùng
1. Cán bộ, công chức, viên chức truy cập hệ thống thông tin phục vụ giao dịch điện tử phải sử dụng tài khoản được cấp theo quy định, có áp dụng xác thực đa yếu tố đối với hệ thống thông tin từ cấp độ 3 trở lên.
2. Tổ chức, cá nhân thực hiện giao dịch điện tử với cơ quan nhà nước sử dụng tài khoản định danh điện tử theo quy định của pháp luật về định danh và xác thực điện tử.
3. Hệ thống thông tin phải ghi nhật ký đăng nhập, truy cập và thao tác của người dùng; nhật ký hệ thống được lưu giữ tối thiểu 24 tháng.
#C Chương IV|HỆ THỐNG THÔNG TIN VÀ DỮ LIỆU
## Điều 13. Yêu cầu đối với hệ thống thông tin phục vụ giao dịch điện tử
1. Được xác định cấp độ và triển khai phương án bảo đảm an toàn thông tin theo cấp độ trước khi đưa vào vận hành.
2. Tuân thủ Khung kiến trúc Chính phủ số và kiến trúc chính quyền số của bộ, ngành, địa phương; có khả năng kết nối với nền tảng tích hợp, chia sẻ dữ liệu cấp bộ, cấp tỉnh và nền tảng quốc gia.
3. Hỗ trợ tiếng Việt theo tiêu chuẩn quốc gia về bộ mã ký tự tiếng Việt; hỗ trợ tìm kiếm toàn văn đối với văn bản điện tử.
4. Bảo đảm thời gian hoạt động liên tục tối thiểu 99,5% thời gian trong năm, trừ thời gian bảo trì có kế hoạch đã được thông báo trước.
5. Có phương án dự phòng và khôi phục sau sự cố; thời gian khôi phục hoạt động bình thường không quá 04 giờ đối với hệ thống phục vụ điều hành của Chính phủ và Thủ tướng Chính phủ.
## Điều 14. Kết nối, chia sẻ dữ liệu
1. Cơ quan nhà nước có trách nhiệm chia sẻ dữ liệu do mình quản lý cho cơ quan nhà nước khác để phục vụ giải quyết thủ tục hành chính, chỉ đạo, điều hành và thực hiện nhiệm vụ được giao, trừ dữ liệu mà pháp luật quy định không được chia sẻ.
2. Việc chia sẻ dữ liệu được thực hiện mặc định thông qua nền tảng tích hợp, chia sẻ dữ liệu; không thực hiện kết nối trực tiếp giữa các hệ thống thông tin khi chưa được cơ quan quản lý nền tảng chấp thuận.
3. Dữ liệu được chia sẻ phải bảo đảm chính xác, đầy đủ, kịp thời; cơ quan cung cấp dữ liệu chịu trách nhiệm về chất lượng dữ liệu do mình cung cấp.
4. Cơ quan khai thác dữ liệu chỉ được sử dụng dữ liệu đúng mục đích đã được xác định, không cung cấp lại cho bên thứ ba khi chưa có sự đồng ý của cơ quan cung cấp dữ liệu.
## Điều 15. Bảo đảm an toàn thông tin
1. Người đứng đầu cơ quan nhà nước chịu trách nhiệm trực tiếp về bảo đảm an toàn thông tin đối với hệ thống thông tin thuộc phạm vi quản lý.
2. Cơ quan nhà nước phải bố trí đơn vị hoặc bộ phận chuyên trách về an toàn thông tin; tổ chức giám sát an toàn thông tin liên tục và kết nối, chia sẻ thông tin giám sát với hệ thống giám sát quốc gia.
3. Định kỳ hằng năm hoặc khi có thay đổi lớn về hệ thống, tổ chức kiểm tra, đánh giá an toàn thông tin, kiểm tra lỗ hổng bảo mật; khắc phục kịp thời các điểm yếu, lỗ hổng được phát hiện.
4. Khi xảy ra sự cố mất an toàn thông tin, cơ quan chủ quản hệ thống phải triển khai ngay phương án ứng cứu, báo cáo cơ quan chức năng theo quy định và thông báo cho các bên liên quan bị ảnh hưởng.
## Điều 16. Bảo vệ dữ liệu cá nhân
1. Việc xử lý dữ liệu cá nhân trong giao dịch điện tử của cơ quan nhà nước phải tuân thủ quy định của pháp luật về bảo vệ dữ liệu cá nhân, chỉ thu thập dữ liệu cần thiết, phù hợp với mục đích xử lý.
2. Hệ thống thông tin có xử lý dữ liệu cá nhân phải áp dụng biện pháp mã hoá, kiểm soát truy cập và ghi nhật ký truy cập dữ liệu cá nhân.
3. Chủ thể dữ liệu được tra cứu thông tin về việc cơ quan nhà nước khai thác, sử dụng dữ liệu cá nhân của mình thông qua Cổng Dịch vụ công quốc gia, trừ trường hợp pháp luật có quy định khác.
#C Chương V|HỌP VÀ XỬ LÝ CÔNG VIỆC TRÊN MÔI TRƯỜNG ĐIỆN TỬ
## Điều 17. Phiên họp không giấy tờ
1. Phiên họp của Chính phủ, cuộc họp của Thủ tướng Chính phủ, các Phó Thủ tướng Chính phủ và cuộc họp của các bộ, cơ quan ngang bộ, Uỷ ban nhân dân cấp tỉnh được tổ chức theo hình thức không giấy tờ, trừ trường hợp nội dung họp thuộc bí mật nhà nước.
2. Tài liệu phiên họp được phát hành trên hệ thống thông tin phục vụ họp chậm nhất 03 ngày làm việc trước ngày họp, trừ trường hợp họp đột xuất. Tài liệu phải ở định dạng cho phép tìm kiếm, trích dẫn nội dung và được ký số bởi cơ quan trình.
3. Thành viên dự họp được cấp tài khoản, thiết bị hoặc quyền truy cập phù hợp; được ghi chú, đánh dấu trên tài liệu; ghi chú cá nhân của thành viên chỉ thành viên đó được xem.
4. Hệ thống thông tin phục vụ họp phải có khả năng hoạt động khi mất kết nối mạng tạm thời trong phòng họp và tự động đồng bộ khi kết nối được khôi phục.
5. Biên bản, kết luận phiên họp được lập dưới dạng văn bản điện tử, ký số và lưu trữ cùng hồ sơ phiên họp.
## Điều 18. Lấy ý kiến thành viên bằng phương tiện điện tử
1. Việc lấy ý kiến thành viên Chính phủ bằng phiếu được thực hiện trên hệ thống thông tin; phiếu lấy ý kiến và hồ sơ kèm theo được gửi dưới dạng văn bản điện tử.
2. Thành viên được lấy ý kiến trả lời bằng phiếu điện tử có ký số trong thời hạn ghi trên phiếu. Hệ thống tự động tổng hợp kết quả và thông báo cho cơ quan chủ trì.
3. Trường hợp hệ thống gặp sự cố không thể khắc phục trong thời hạn lấy ý kiến, việc lấy ý kiến được thực hiện bằng văn bản giấy theo quy định hiện hành.
## Điều 19. Hồ sơ, tài liệu phiên họp điện tử
1. Hồ sơ phiên họp điện tử gồm: chương trình họp, tài liệu theo từng nội dung, danh sách thành viên dự họp, ý kiến phát biểu bằng văn bản (nếu có), biên bản và kết luận phiên họp.
2. Mỗi tài liệu trong hồ sơ phiên họp được gắn mã định danh duy nhất và giá trị băm để bảo đảm tính toàn vẹn; mọi thay đổi tài liệu sau khi phát hành phải được phát hành thành phiên bản mới và thông báo cho thành viên dự họp.
3. Hồ sơ phiên họp điện tử được lưu trữ theo quy định tại Điều 9 Nghị định này.
#C Chương VI|TRÁCH NHIỆM CỦA CÁC CƠ QUAN
## Điều 20. Trách nhiệm của Bộ Khoa học và Công nghệ
1. Chủ trì, hướng dẫn, kiểm tra việc thực hiện Nghị định này; ban hành quy chuẩn kỹ thuật, hướng dẫn kỹ thuật về định dạng văn bản điện tử, kết nối, chia sẻ dữ liệu.
2. Xây dựng, vận hành Trục liên thông văn bản quốc gia và các nền tảng dùng chung được giao quản lý; bảo đảm kết nối thông suốt với hệ thống của các bộ, ngành, địa phương.
3. Tổng hợp, báo cáo Chính phủ định kỳ hằng năm về tình hình giao dịch điện tử trong hoạt động của cơ quan nhà nước.
## Điều 21. Trách nhiệm của Bộ Công an và Ban Cơ yếu Chính phủ
1. Bộ Công an chủ trì bảo đảm an ninh mạng đối với các hệ thống thông tin quan trọng về an ninh quốc gia; phối hợp xác thực thông tin công dân phục vụ giao dịch điện tử.
2. Ban Cơ yếu Chính phủ bảo đảm dịch vụ chứng thực chữ ký số chuyên dùng công vụ; hướng dẫn quản lý, sử dụng chữ ký số chuyên dùng công vụ.
## Điều 22. Trách nhiệm của Bộ Tài chính
Bộ Tài chính chủ trì, bố trí kinh phí thực hiện Nghị định này theo quy định của pháp luật về ngân sách nhà nước; hướng dẫn việc sử dụng kinh phí cho các hoạt động thuê dịch vụ công nghệ thông tin phục vụ giao dịch điện tử.
## Điều 23. Trách nhiệm của Văn phòng Chính phủ
1. Quản lý, vận hành hệ thống thông tin phục vụ họp và xử lý công việc của Chính phủ, Thủ tướng Chính phủ; hướng dẫn các bộ, cơ quan về quy trình phát hành tài liệu phiên họp điện tử.
2. Theo dõi, đôn đốc việc thực hiện các nhiệm vụ được giao tại các phiên họp trên hệ thống thông tin.
## Điều 24. Trách nhiệm của bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ và Uỷ ban nhân dân cấp tỉnh
1. Tổ chức triển khai Nghị định này trong phạm vi quản lý; ban hành quy chế giao dịch điện tử nội bộ trong thời hạn 06 tháng kể từ ngày Nghị định có hiệu lực.
2. Bố trí nguồn lực, hạ tầng, nhân lực bảo đảm thực hiện giao dịch điện tử; đào tạo, bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức.
3. Định kỳ hằng năm, trước ngày 15 tháng 12, báo cáo tình hình thực hiện gửi Bộ Khoa học và Công nghệ để tổng hợp.
#C Chương VII|ĐIỀU KHOẢN THI HÀNH
## Điều 25. Hiệu lực thi hành
Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2027.
## Điều 26. Điều khoản chuyển tiếp
1. Hệ thống thông tin đã đưa vào vận hành trước ngày Nghị định này có hiệu lực mà chưa đáp ứng yêu cầu tại Điều 13 phải được nâng cấp, hoàn thiện trước ngày 31 tháng 12 năm 2028.
2. Hồ sơ, văn bản đang được xử lý theo quy định trước ngày Nghị định này có hiệu lực thì tiếp tục được xử lý theo quy định đó cho đến khi hoàn thành.
## Điều 27. Trách nhiệm thi hành
Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ, Chủ tịch Uỷ ban nhân dân tỉnh, thành phố trực thuộc trung ương và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Nghị định này./.
"""

APPENDIX = r"""
Phụ lục này liệt kê các yêu cầu kỹ thuật tối thiểu đối với văn bản điện tử và tài liệu phiên họp điện tử theo quy định tại Điều 7, Điều 9 và Điều 19 của dự thảo Nghị định. Các thông số dưới đây được nêu để minh hoạ cho việc lấy ý kiến; nội dung chi tiết sẽ được quy định trong quy chuẩn kỹ thuật.
@table ky_thuat
"""

TABLES = {
    "ky_thuat": dict(
        caption="Yêu cầu kỹ thuật tối thiểu đối với văn bản điện tử (nội dung minh hoạ)",
        widths=[12, 58, 100],
        align=["C", "L", "L"],
        rows=[
            ["TT", "Thành phần", "Yêu cầu"],
            ["1", "Định dạng tệp", "PDF phiên bản 1.4 trở lên; văn bản có lớp chữ cho phép tìm kiếm, sao chép nội dung."],
            ["2", "Phông chữ", "Nhúng phông chữ trong tệp; hỗ trợ đầy đủ tiếng Việt có dấu theo bộ mã Unicode."],
            ["3", "Khổ giấy", "A4 (210 mm × 297 mm) đối với văn bản hành chính; bảng biểu có thể dùng khổ A4 xoay ngang."],
            ["4", "Chữ ký số", "Ký số theo chuẩn chữ ký trên tệp PDF; có dấu thời gian; kiểm tra được trạng thái chứng thư."],
            ["5", "Siêu dữ liệu", "Tối thiểu gồm: mã định danh văn bản, cơ quan ban hành, số và ký hiệu, ngày ban hành, trích yếu, độ khẩn, giá trị băm."],
            ["6", "Giá trị băm", "Sử dụng thuật toán SHA-256 trở lên để xác định tính toàn vẹn của tệp."],
            ["7", "Dung lượng", "Khuyến nghị không quá 20 MB mỗi tệp; tài liệu lớn được chia thành nhiều tệp có đánh số thứ tự."],
            ["8", "Lưu trữ", "Sao lưu định kỳ; bản sao lưu đặt tại vị trí địa lý khác; kiểm tra khả năng khôi phục tối thiểu 06 tháng một lần."],
        ],
        note="Ghi chú: phụ lục thuộc dự thảo mẫu, chỉ dùng để trình diễn hệ thống eCabinet.",
    ),
}


def build(pdf, _render_toc):
    pdf.add_page()
    pdf.official_header(
        ["CHÍNH PHỦ"],
        "Số:      /2027/NĐ-CP",
        "Hà Nội, ngày      tháng      năm 2027",
        draft=True,
    )
    pdf.title_block(
        "NGHỊ ĐỊNH",
        [
            "Quy định về giao dịch điện tử",
            "trong hoạt động của cơ quan nhà nước",
        ],
    )
    pdf.note(
        "Lưu ý: Đây là dự thảo mẫu do dự án eCabinet tự soạn để trình diễn hệ thống "
        "họp không giấy tờ. Văn bản không phải là dự thảo chính thức của bất kỳ cơ "
        "quan nào và không có giá trị pháp lý."
    )
    pdf.render(PREAMBLE)
    pdf.ln(2)
    pdf.render(BODY)
    pdf.signature(
        ["Ban Bí thư Trung ương Đảng;", "Thủ tướng, các Phó Thủ tướng Chính phủ;",
         "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;",
         "HĐND, UBND các tỉnh, thành phố trực thuộc trung ương;",
         "Văn phòng Chính phủ;", "Lưu: VT, KGVX."],
        ["TM. CHÍNH PHỦ", "THỦ TƯỚNG"],
    )
    pdf.add_page()
    pdf.centered("PHỤ LỤC", "B", 13)
    pdf.centered("Yêu cầu kỹ thuật tối thiểu đối với văn bản điện tử", "B", 12.5)
    pdf.centered("(Kèm theo Nghị định số      /2027/NĐ-CP ngày      tháng      năm 2027 "
                 "của Chính phủ)", "I", 11, after=4)
    pdf.start_section("Phụ lục. Yêu cầu kỹ thuật tối thiểu đối với văn bản điện tử")
    pdf.render(APPENDIX, TABLES)
